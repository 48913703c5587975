// What the Forside, Møde and Sag screens say about reading load and items:
// page counts, reading time at the member's pace, progress, badges and days.

const numbers = new Intl.NumberFormat("da-DK");

/** "1 side", "1.234 sider". */
export function pagesLabel(n: number): string {
  return n === 1 ? "1 side" : `${numbers.format(n)} sider`;
}

/** Reading time in plain Danish: "under 1 min", "25 min", "1 t", "2 t 5 min". */
export function readingTime(minutes: number): string {
  if (minutes <= 0) return "0 min";
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} t` : `${h} t ${m} min`;
}

/** The share read, 0–100, rounded down so that 100 means everything is read. */
export function readPercent(read: number, pages: number): number {
  if (pages <= 0) return 0;
  return Math.min(100, Math.floor((read / pages) * 100));
}

/** One line on what is left: "Alt er læst", "Intet at læse", or
 * "84 sider tilbage · ca. 2 t 6 min". */
export function leftLine(pages: number, read: number, minutes: number): string {
  if (pages === 0) return "Ingen bilag at læse";
  const left = Math.max(0, pages - read);
  if (left === 0) return "Alt er læst";
  return `${pagesLabel(left)} tilbage · ca. ${readingTime(minutes)}`;
}

/** Minutes `pages` take at `pagesPerHour` (rounded up), as the backend counts. */
export function minutesFor(pages: number, pagesPerHour: number): number {
  if (pages <= 0 || pagesPerHour <= 0) return 0;
  return Math.ceil((pages * 60) / pagesPerHour);
}

/** What a badge says and how it looks. */
export interface Badge {
  /** The word shown. */
  label: string;
  /** A CSS class suffix: `badge-<kind>`. */
  kind: "closed" | "referred" | "postponed" | "foretraede" | "briefing";
  /** A longer explanation (title attribute). */
  title: string;
}

/** What an item carries that badges show. */
export interface Badged {
  closed: boolean;
  kind?: "regular" | "fixed" | "briefing";
  flags: { referred: boolean; postponed: boolean; foretraede: boolean };
}

/** The badges of an item, most important first (LUKKET always first). */
export function badges(item: Badged): Badge[] {
  const out: Badge[] = [];
  if (item.closed) out.push({ label: "Lukket", kind: "closed", title: "Lukket punkt: fortroligt, forlader aldrig maskinen" });
  if (item.flags.referred) out.push({ label: "Henvist", kind: "referred", title: "Henvist fra Byrådet" });
  if (item.flags.postponed) out.push({ label: "Udsat", kind: "postponed", title: "Udsat på dette møde" });
  if (item.flags.foretraede) out.push({ label: "Foretræde", kind: "foretraede", title: "En borger har bedt om foretræde" });
  if (item.kind === "briefing") out.push({ label: "Orientering", kind: "briefing", title: "Skriftlig orientering" });
  return out;
}

const weekday = new Intl.DateTimeFormat("da-DK", { weekday: "long", timeZone: "UTC" });
const dayMonth = new Intl.DateTimeFormat("da-DK", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const monthShort = new Intl.DateTimeFormat("da-DK", { month: "short", timeZone: "UTC" });

function utc(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}

/** "onsdag 5. marts 2025". */
export function meetingDay(iso: string): string {
  const d = utc(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${weekday.format(d)} ${dayMonth.format(d)}`;
}

/** The day and short month of a date block: { day: "5", month: "mar." }. */
export function dateBlock(iso: string): { day: string; month: string; year: string } {
  const d = utc(iso);
  if (Number.isNaN(d.getTime())) return { day: "", month: iso, year: "" };
  return { day: String(d.getUTCDate()), month: monthShort.format(d).replace(/\.$/, ""), year: String(d.getUTCFullYear()) };
}

/** "i dag", "i morgen", "om 6 dage", "for 3 dage siden", or "" further away. */
export function relativeDay(iso: string, today: string): string {
  const days = Math.round((utc(iso).getTime() - utc(today).getTime()) / 86_400_000);
  if (Number.isNaN(days)) return "";
  if (days === 0) return "i dag";
  if (days === 1) return "i morgen";
  if (days === -1) return "i går";
  if (days > 1 && days <= 14) return `om ${days} dage`;
  return "";
}

/** A time "HH:MM…" cut to "kl. 9.00"-style Danish, or "". */
export function clock(start: string | null): string {
  if (!start) return "";
  const m = /^(\d{1,2}):(\d{2})/.exec(start);
  return m ? `kl. ${Number(m[1])}.${m[2]}` : start;
}

/** The name of a publication ("agenda" → "Dagsorden"). */
export function publicationName(p: string): string {
  switch (p) {
    case "minutes":
      return "Referat";
    case "supplementary_agenda":
      return "Tillægsdagsorden";
    default:
      return "Dagsorden";
  }
}

/** Today as "YYYY-MM-DD" in local time. */
export function todayIso(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, "0");
  const d = String(now.getDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}

/** Splits an item's case text into its headed sections ("Sagsfremstilling",
 * "Indstilling", "Beslutning", …): a line that is a known heading starts one. */
export function textSections(text: string | null): { heading: string; body: string }[] {
  if (!text || text.trim() === "") return [];
  const known = /^(Resume|Resumé|Beslutningstema|Indstilling|Sagsfremstilling|Beslutning|Bilag|Tidligere beslutninger|Sagsforløb:?)$/i;
  const sections: { heading: string; body: string }[] = [];
  let current = { heading: "", body: "" };
  for (const line of text.split("\n")) {
    if (known.test(line.trim())) {
      if (current.heading !== "" || current.body.trim() !== "") sections.push(current);
      current = { heading: line.trim().replace(/:$/, ""), body: "" };
    } else {
      current.body += (current.body === "" ? "" : "\n") + line;
    }
  }
  if (current.heading !== "" || current.body.trim() !== "") sections.push(current);
  return sections.map((s) => ({ heading: s.heading, body: s.body.trim() }));
}
