// Calls of the Forside, Møde and Sag screens: the agenda of the followed
// bodies, which bodies to follow, the reading pace, a meeting and a case.
import type { AgendaEntry } from "../../api/AgendaEntry";
import type { AttachmentUse } from "../../api/AttachmentUse";
import type { BodyChoice } from "../../api/BodyChoice";
import type { CaseHistory } from "../../api/CaseHistory";
import type { MeetingSummary } from "../../api/MeetingSummary";
import type { MeetingView } from "../../api/MeetingView";
import type { NoteView } from "../../api/NoteView";
import type { Pace } from "../../api/Pace";
import type { ReadingProgress } from "../../api/ReadingProgress";
import { get, send } from "../client";

/** The next meetings of the followed bodies from today (or `from`). */
export async function agenda(next = 6, from?: string): Promise<AgendaEntry[]> {
  const p = new URLSearchParams({ next: String(next) });
  if (from) p.set("from", from);
  return (await (await get(`/api/agenda?${p}`)).json()) as AgendaEntry[];
}

/** The latest meetings of the followed bodies before today, newest first. */
export async function recentAgenda(last = 6): Promise<AgendaEntry[]> {
  return (await (await get(`/api/agenda/recent?last=${last}`)).json()) as AgendaEntry[];
}

/** Every meeting, newest first, of one body or all, between two days, with its reading load. */
export async function archive(f: { body?: string | null; from?: string; to?: string }): Promise<AgendaEntry[]> {
  const p = new URLSearchParams();
  if (f.body) p.set("body", f.body);
  if (f.from) p.set("from", f.from);
  if (f.to) p.set("to", f.to);
  return (await (await get(`/api/archive?${p}`)).json()) as AgendaEntry[];
}

/** The meetings of one body (or all) as an iCalendar file. */
export async function calendarFile(body: string | null): Promise<Blob> {
  const p = new URLSearchParams();
  if (body) p.set("body", body);
  return await (await get(`/api/calendar.ics?${p}`)).blob();
}

/** Where a bilag belongs: the items that use it, newest first. */
export async function attachmentUses(id: number): Promise<AttachmentUse[]> {
  return (await (await get(`/api/attachments/${id}/uses`)).json()) as AttachmentUse[];
}

/** The member opened a meeting: what was new is seen. */
export async function meetingOpened(id: number): Promise<void> {
  await send("POST", `/api/meetings/${id}/opened`);
}

/** Every body that has met, with whether it is followed. */
export async function bodies(): Promise<BodyChoice[]> {
  return (await (await get("/api/bodies")).json()) as BodyChoice[];
}

/** Follows or stops following a body; every body anew. */
export async function setFollowing(body: number, on: boolean): Promise<BodyChoice[]> {
  const resp = await send(on ? "PUT" : "DELETE", `/api/follow/${body}`);
  return (await resp.json()) as BodyChoice[];
}

/** The member's reading pace. */
export async function pace(): Promise<Pace> {
  return (await (await get("/api/pace")).json()) as Pace;
}

/** Sets the reading pace. */
export async function setPace(pagesPerHour: number): Promise<Pace> {
  return (await (await send("PUT", "/api/pace", { pages_per_hour: pagesPerHour })).json()) as Pace;
}

/** A meeting with its agenda. */
export async function meeting(id: number): Promise<MeetingView> {
  return (await (await get(`/api/meetings/${id}`)).json()) as MeetingView;
}

/** Every treatment of a case, oldest first. */
export async function caseHistory(number: string): Promise<CaseHistory> {
  return (await (await get(`/api/cases/${encodeURIComponent(number)}`)).json()) as CaseHistory;
}

/** A meeting's reading progress (pages, read, new). */
export async function meetingProgress(id: number): Promise<ReadingProgress> {
  return (await (await get(`/api/meetings/${id}/progress`)).json()) as ReadingProgress;
}

/** The notes on a case, meeting, item or attachment. */
export async function notesOf(
  on: { case: string } | { meeting: number } | { item: number } | { attachment: number },
): Promise<NoteView[]> {
  const [key, value] = Object.entries(on)[0];
  const p = new URLSearchParams({ [key]: String(value) });
  return (await (await get(`/api/notes?${p}`)).json()) as NoteView[];
}

/** Every note the caller may see (the member: all of theirs and those imported). */
export async function allNotes(): Promise<NoteView[]> {
  return (await (await get("/api/notes")).json()) as NoteView[];
}

/** The member's notes whose words hold every word of `q` (Søg's "Noter"). */
export async function findNotes(q: string): Promise<NoteView[]> {
  return (await (await get(`/api/notes?${new URLSearchParams({ q })}`)).json()) as NoteView[];
}

/** What attaching a PDF to an item did. */
export type Attached = {
  item: number;
  attachment: number;
  title: string;
  closed: boolean;
  /** False when the item already had this file (nothing stored again). */
  added: boolean;
  pages: number | null;
};

/** Attaches a PDF the member received to an agenda item. */
export async function attach(item: number, file: File, closed: boolean): Promise<Attached> {
  const title = file.name.replace(/\.pdf$/i, "").trim();
  const p = new URLSearchParams({ closed: String(closed) });
  if (title) p.set("title", title);
  const resp = await send("POST", `/api/items/${item}/attachments?${p}`, file);
  return (await resp.json()) as Attached;
}

/** Removes a bilag the member attached. */
export async function detach(item: number, attachment: number): Promise<void> {
  await send("DELETE", `/api/items/${item}/attachments/${attachment}`);
}

/** Every meeting the caller may see, newest first. */
export async function meetings(): Promise<MeetingSummary[]> {
  return (await (await get("/api/meetings")).json()) as MeetingSummary[];
}
