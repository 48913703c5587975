// The reader's calls: notes and highlights on an attachment's pages, pages
// marked read, and the server's own text of a page (for anchoring quotes).
import { get, send } from "../client";

/** What the reader reads of a listed note (GET /api/notes). TEMPORARY: the
 * server's `NoteView` is not exported by ts-rs yet; replace this with the
 * generated `../../api/NoteView` type when it is. */
export interface NoteView {
  id: string;
  body: string;
  colour: string | null;
  author: { id: string; name: string };
  visibility: "private" | "shared";
  created: string;
  modified: string;
  mine: boolean;
  attachment: number | null;
  anchor: { page: number; exact: string; prefix: string; suffix: string; start: number; end: number } | null;
}

/** The notes and highlights on an attachment. */
export async function attachmentNotes(attachment: number): Promise<NoteView[]> {
  const resp = await get(`/api/notes?attachment=${attachment}`);
  return (await resp.json()) as NoteView[];
}

/** What the reader sends for a new highlight or note on a page. */
export interface PageNote {
  attachment: number;
  page: number;
  quote: string;
  body: string;
  colour?: string;
  visibility?: "private" | "shared";
}

/** Adds a highlight (empty body) or a note on a page. */
export async function addNote(note: PageNote): Promise<NoteView> {
  const resp = await send("POST", "/api/notes", note);
  return (await resp.json()) as NoteView;
}

/** Changes one of the member's own notes. */
export async function editNote(
  id: string,
  change: { body?: string; colour?: string; visibility?: "private" | "shared" },
): Promise<NoteView> {
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
