// How a hit is cited on screen: udvalg · dato · punkt · sagsnummer · bilag, side.
import type { Citation } from "../api/Citation";
import { archiveHref, caseHref, itemHref, meetingHref } from "./route";

const dateFormat = new Intl.DateTimeFormat("da-DK", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});

/** A date "YYYY-MM-DD" in Danish words ("5. marts 2024"). */
export function danishDate(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
}

/** The parts of the citation line, in reading order. */
export function citationParts(c: Citation): string[] {
  const parts: string[] = [];
  if (c.body) parts.push(c.body);
  if (c.collection && !c.body) parts.push(c.collection);
  if (c.meeting_date) parts.push(danishDate(c.meeting_date));
  if (c.item_number !== null) parts.push(`punkt ${c.item_number}`);
  if (c.case_number) parts.push(c.case_number);
  if (c.attachment_title) {
    parts.push(c.page !== null ? `${c.attachment_title}, side ${c.page}` : c.attachment_title);
  } else if (c.page !== null) {
    parts.push(`side ${c.page}`);
  }
  return parts;
}

/** The parts of the citation line, each with the address of its page:
 * the body's meetings, the meeting, the item, the case, the bilag's page. */
export function citationLinks(c: Citation): { text: string; href: string | null }[] {
  const parts: { text: string; href: string | null }[] = [];
  if (c.body) parts.push({ text: c.body, href: archiveHref({ body: c.body }) });
  if (c.collection && !c.body) parts.push({ text: c.collection, href: null });
  if (c.meeting_date)
    parts.push({ text: danishDate(c.meeting_date), href: c.meeting_id !== null ? meetingHref(c.meeting_id) : null });
  if (c.item_number !== null)
    parts.push({
      text: `punkt ${c.item_number}`,
      href: c.meeting_id !== null && c.item_id !== null ? itemHref(c.meeting_id, c.item_id) : null,
    });
  if (c.case_number) parts.push({ text: c.case_number, href: caseHref(c.case_number) });
  if (c.attachment_title) {
    const text = c.page !== null ? `${c.attachment_title}, side ${c.page}` : c.attachment_title;
    parts.push({ text, href: c.attachment_id !== null ? readerHash(c.attachment_id, c.page ?? 1, "", c.attachment_title) : null });
  } else if (c.page !== null) {
    parts.push({ text: `side ${c.page}`, href: null });
  }
  return parts;
}

/** The citation line. */
export function citationLine(c: Citation): string {
  return citationParts(c).join(" · ");
}

/** The reader's address for a page of an attachment, with the words to
 * mark and the attachment's title (to show while the PDF loads). */
export function readerHash(attachment: number, page: number, q: string, title?: string | null): string {
  const p = new URLSearchParams();
  if (q.trim() !== "") p.set("q", q.trim());
  if (title) p.set("t", title);
  const query = p.toString();
  return `#/laes/${attachment}/${page}${query === "" ? "" : `?${query}`}`;
}

/** Where the reader is: attachment, page (1-based), query words and title. */
export interface ReaderPlace {
  attachment: number;
  page: number;
  q: string;
  title: string;
}

/** What the reader's address `#/laes/{attachment}/{page}?q=…&t=…` holds, or null. */
export function parseReaderHash(hash: string): ReaderPlace | null {
  const m = /^#\/laes\/(\d+)(?:\/(\d+))?\/?(?:\?(.*))?$/.exec(hash);
  if (!m) return null;
  const page = m[2] === undefined ? 1 : Math.max(1, Number(m[2]));
  const p = new URLSearchParams(m[3] ?? "");
  return { attachment: Number(m[1]), page, q: p.get("q") ?? "", title: p.get("t") ?? "" };
}
