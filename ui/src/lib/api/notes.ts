// The reader's calls: notes and highlights on an attachment's pages, pages
// marked read, and the server's own text of a page (for anchoring quotes).
import type { NewNote } from "../../api/NewNote";
import type { NoteEdit } from "../../api/NoteEdit";
import type { NoteView } from "../../api/NoteView";
import type { Visibility } from "../../api/Visibility";
import { get, send } from "../client";

export type { NoteView };

/** The notes and highlights on an attachment. */
export async function attachmentNotes(attachment: number): Promise<NoteView[]> {
  const resp = await get(`/api/notes?attachment=${attachment}`);
  return (await resp.json()) as NoteView[];
}

/** Adds a highlight (empty body) or a note on a page of an attachment,
 * anchored by its quote (the server finds it in its own page text). */
export async function addNote(note: {
  attachment: number;
  page: number;
  quote: string;
  body: string;
  colour?: string;
  visibility?: Visibility;
}): Promise<NoteView> {
  const body: NewNote = {
    item: null,
    attachment: note.attachment,
    page: note.page,
    quote: note.quote,
    body: note.body,
    format: "text/plain",
    colour: note.colour,
    tags: [],
    visibility: note.visibility ?? "private",
  };
  const resp = await send("POST", "/api/notes", body);
  return (await resp.json()) as NoteView;
}

/** Changes one of the member's own notes. */
export async function editNote(id: string, change: NoteEdit): Promise<NoteView> {
  const resp = await send("PUT", `/api/notes/${encodeURIComponent(id)}`, change);
  return (await resp.json()) as NoteView;
}

/** Removes a note. */
export async function deleteNote(id: string): Promise<void> {
  await send("DELETE", `/api/notes/${encodeURIComponent(id)}`);
}

/** Marks pages of an attachment read; the number newly marked. */
export async function markRead(attachment: number, pages: number[]): Promise<number> {
  const resp = await send("POST", "/api/read", { attachment, pages });
  const body = (await resp.json()) as { marked?: number };
  return body.marked ?? 0;
}

/** The pages of an attachment marked read. */
export async function readPages(attachment: number): Promise<number[]> {
  const resp = await get(`/api/read?attachment=${attachment}`);
  const body = (await resp.json()) as { pages?: number[] };
  return body.pages ?? [];
}

/** The server's text of one page (what a note's quote is looked up in), or
 * null when it has none. */
export async function serverPageText(attachment: number, page: number): Promise<string | null> {
  try {
    const resp = await get(`/api/attachments/${attachment}/pages/${page}`);
    const body = (await resp.json()) as { text?: string | null };
    return body.text ?? null;
  } catch {
    return null;
  }
}
