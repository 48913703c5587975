// Which screen the address shows. Screens live in the hash (`#/moede/12`),
// except Søg, whose state is the query string (`/?q=…`) so that back and
// forward walk through searches; the reader (`#/laes/…`) is parsed by
// `citation.ts`.

/** A screen and what it shows. */
export type Route =
  | { screen: "forside" }
  | { screen: "soeg" }
  | { screen: "laes" }
  | { screen: "moede"; id: number }
  | { screen: "moeder" }
  | { screen: "noter" }
  | { screen: "sag"; number: string }
  | { screen: "statistik" }
  | { screen: "kilder" }
  | { screen: "del" };

/** The route of `hash` (with its `#`) and `search` (with its `?`). */
export function parseRoute(hash: string, search: string): Route {
  const path = hash.replace(/^#/, "").split("?")[0];
  if (path.startsWith("/laes/")) return { screen: "laes" };
  const meeting = /^\/moede\/(\d+)\/?$/.exec(path);
  if (meeting) return { screen: "moede", id: Number(meeting[1]) };
  const kase = /^\/sag\/([^/]+)\/?$/.exec(path);
  if (kase) return { screen: "sag", number: decodeURIComponent(kase[1]) };
  switch (path) {
    case "/soeg":
      return { screen: "soeg" };
    case "/moeder":
      return { screen: "moeder" };
    case "/noter":
      return { screen: "noter" };
    case "/statistik":
      return { screen: "statistik" };
    case "/kilder":
      return { screen: "kilder" };
    case "/del":
      return { screen: "del" };
  }
  return new URLSearchParams(search).has("q") ? { screen: "soeg" } : { screen: "forside" };
}

/** The address of a meeting's agenda. */
export const meetingHref = (id: number): string => `/#/moede/${id}`;
/** The address of one item on its meeting's agenda (scrolled to and marked). */
export const itemHref = (meeting: number, item: number): string => `/#/moede/${meeting}?punkt=${item}`;
/** The item an agenda address points at (`?punkt=`), if any. */
export function focusedItem(hash: string): number | null {
  const n = Number(new URLSearchParams(hash.replace(/^#/, "").split("?")[1] ?? "").get("punkt"));
  return Number.isInteger(n) && n > 0 ? n : null;
}
/** The address of a case's history. */
export const caseHref = (number: string): string => `/#/sag/${encodeURIComponent(number)}`;

/** What Del opens with: a case or a meeting, from the page the member was on. */
export type ShareTarget = { mode: "case"; what: string } | { mode: "meeting"; what: string };

/** The address of Del with a case or a meeting chosen (and its preview shown). */
export function shareHref(target: { case: string } | { meeting: number }): string {
  return "case" in target
    ? `/#/del?sag=${encodeURIComponent(target.case)}`
    : `/#/del?moede=${target.meeting}`;
}

/** The case or meeting a Del address names, if any. */
export function parseShareTarget(hash: string): ShareTarget | null {
  const query = hash.replace(/^#/, "").split("?")[1] ?? "";
  const p = new URLSearchParams(query);
  const kase = p.get("sag")?.trim();
  if (kase) return { mode: "case", what: kase };
  const meeting = p.get("moede")?.trim();
  if (meeting) return { mode: "meeting", what: meeting };
  return null;
}

/** What the Møder archive shows: one body (by name) or all, one year or all. */
export interface ArchiveFilter {
  body: string | null;
  year: number | null;
}

/** The archive's filter in an address's `#/moeder?udvalg=…&aar=…`. */
export function parseArchiveFilter(hash: string): ArchiveFilter {
  const p = new URLSearchParams(hash.replace(/^#/, "").split("?")[1] ?? "");
  const body = p.get("udvalg")?.trim() || null;
  const year = Number(p.get("aar"));
  return { body, year: Number.isInteger(year) && year > 1900 && year < 3000 ? year : null };
}

/** The address of the Møder archive with these filters. */
export function archiveHref(f: Partial<ArchiveFilter> = {}): string {
  const p = new URLSearchParams();
  if (f.body) p.set("udvalg", f.body);
  if (f.year) p.set("aar", String(f.year));
  const q = p.toString();
  return `/#/moeder${q ? `?${q}` : ""}`;
}
