// The reader's highlights, notes and read marks as reactive state: the
// attachment's notes and the pages read, the selection waiting for "Markér"
// or "Skriv note" (reader/SelectionToolbar.svelte), the note being written
// (reader/NotesPanel.svelte), the note that flashes after a jump, and the
// calls that make, change and delete them. What goes wrong is said in
// `message`, which the notes panel shows. The reader hands in what it needs
// of the page view (`NotesHost`); drawing is lib/reader/highlights.ts.
import { tick } from "svelte";
import { SvelteSet } from "svelte/reactivity";
import { ApiError } from "../lib/client";
import { quoteForServer } from "../lib/anchor";
import {
  addNote,
  attachmentNotes,
  deleteNote,
  editNote,
  markRead,
  readPages,
  serverPageText,
  type NoteView,
} from "../lib/api/notes";
import { selectionOnPage, type PageSelection } from "../lib/reader/highlights";

/** What the notes need of the reader around them. */
export interface NotesHost {
  /** Draws a page's highlights, notes and search match anew. */
  paint(page: number): void;
  /** The same for every drawn page. */
  paintAll(): void;
  /** Goes to a page. */
  goTo(page: number): void;
  /** A page's box. */
  pageEl(page: number): HTMLElement | null;
  /** Opens the notes panel (a message or the new note's form is there). */
  showPanel(): void;
}

/** The highlights, notes and read marks of one attachment in the reader. */
export class ReaderNotes {
  /** The attachment's notes and highlights that have a place on a page. */
  list = $state<NoteView[]>([]);
  /** What went wrong last, for the panel; null again once a call succeeds. */
  message = $state<string | null>(null);
  /** The note being written on a selected quote. */
  draft = $state<{ page: number; quote: string } | null>(null);
  /** The selection the toolbar is over. */
  pending = $state<PageSelection | null>(null);
  /** The note just jumped to, drawn flashing. */
  flash: string | null = null;
  /** The pages marked read. */
  readonly read = new SvelteSet<number>();
  readonly #serverTexts = new Map<number, Promise<string | null>>();
  readonly #attachment: number;
  readonly #host: NotesHost;

  constructor(attachment: number, host: NotesHost) {
    this.#attachment = attachment;
    this.#host = host;
  }

  /** Fetches the pages read and the notes (drawn once they are here). */
  load() {
    readPages(this.#attachment)
      .then((pages) => {
        for (const p of pages) this.read.add(p);
      })
      .catch(() => {
        // Without the marks the reader still works; they show once marked anew.
      });
    attachmentNotes(this.#attachment)
      .then((list) => {
        this.list = list.filter((n) => n.anchor);
        this.#host.paintAll();
      })
      .catch((e) => {
        this.message = e instanceof ApiError ? e.message : "Noterne kunne ikke hentes.";
      });
  }

  // ---- Selection → highlight or note ----

  /** Notes the selection when it lies in one page's text layer. */
  checkSelection() {
    this.pending = selectionOnPage();
  }

  onPointerUp(event: PointerEvent) {
    if ((event.target as HTMLElement | null)?.closest(".sel-toolbar")) return;
    setTimeout(() => this.checkSelection(), 0);
  }

  #serverText(page: number): Promise<string | null> {
    let t = this.#serverTexts.get(page);
    if (!t) {
      t = serverPageText(this.#attachment, page);
      this.#serverTexts.set(page, t);
    }
    return t;
  }

  async #create(page: number, selected: string, body: string) {
    const quote = quoteForServer(selected, await this.#serverText(page));
    if (!quote) return;
    try {
      const note = await addNote({ attachment: this.#attachment, page, quote, body, colour: "gul" });
      this.list = [...this.list, note];
      this.message = null;
      this.#host.paint(page);
    } catch (e) {
      this.message = e instanceof ApiError ? e.message : "Markeringen kunne ikke gemmes.";
      this.#host.showPanel();
    }
  }

  /** "Markér": the selection becomes a highlight. */
  async highlight() {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    window.getSelection()?.removeAllRanges();
    await this.#create(p.page, p.text, "");
  }

  /** "Skriv note": the notes panel opens with a form for a note on the selection. */
  compose() {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    window.getSelection()?.removeAllRanges();
    this.draft = { page: p.page, quote: p.text };
    this.#host.showPanel();
  }

  async saveDraft(body: string) {
    const d = this.draft;
    if (!d) return;
    this.draft = null;
    await this.#create(d.page, d.quote, body);
  }

  async change(note: NoteView, change: Parameters<typeof editNote>[1]) {
    try {
      const changed = await editNote(note.id, change);
      this.list = this.list.map((n) => (n.id === note.id ? { ...n, ...changed } : n));
      this.message = null;
      this.#host.paintAll();
    } catch (e) {
      this.message = e instanceof ApiError ? e.message : "Noten kunne ikke gemmes.";
    }
  }

  async remove(note: NoteView) {
    try {
      await deleteNote(note.id);
      this.list = this.list.filter((n) => n.id !== note.id);
      this.#host.paintAll();
    } catch (e) {
      this.message = e instanceof ApiError ? e.message : "Noten kunne ikke slettes.";
    }
  }

  /** Goes to a note's page and flashes its boxes there. */
  async jumpTo(note: NoteView) {
    const page = note.anchor?.page;
    if (!page) return;
    this.flash = note.id;
    this.#host.goTo(page);
    await tick();
    // When the page is drawn, its overlay has the note's boxes.
    for (let i = 0; i < 50; i++) {
      this.#host.paint(page);
      const box = this.#host
        .pageEl(page)
        ?.querySelector<HTMLElement>(`.overlay-layer [data-note="${CSS.escape(note.id)}"]`);
      if (box) {
        box.scrollIntoView({ block: "nearest" });
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    setTimeout(() => {
      if (this.flash === note.id) this.flash = null;
      this.#host.paint(page);
    }, 1500);
  }

  // ---- Reading marks ----

  /** Marks the pages read that are not yet. */
  async mark(pages: number[]) {
    const fresh = pages.filter((p) => !this.read.has(p));
    if (fresh.length === 0) return;
    try {
      await markRead(this.#attachment, fresh);
      for (const p of fresh) this.read.add(p);
      this.message = null;
    } catch (e) {
      this.message = e instanceof ApiError ? e.message : "Siderne kunne ikke markeres som læst.";
      this.#host.showPanel();
    }
  }
}
