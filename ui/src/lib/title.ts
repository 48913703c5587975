// The browser tab's title: what the screen shows, then "Mødemappe", so
// several tabs can be told apart ("Teknisk Udvalg 4.3.2024 – Møde – Mødemappe").

/** The title for these parts, most specific first. */
export function titleOf(...parts: (string | null | undefined)[]): string {
  return [...parts.filter((p): p is string => !!p && p.trim() !== ""), "Mødemappe"].join(" – ");
}

/** Sets the tab's title. */
export function setTitle(...parts: (string | null | undefined)[]): void {
  document.title = titleOf(...parts);
}

/** The screen names of the main routes, as in the menu. */
export const SCREEN_TITLES: Record<string, string> = {
  forside: "Forside",
  soeg: "Søg",
  moede: "Møde",
  moeder: "Møder",
  noter: "Noter",
  sag: "Sag",
  statistik: "Statistik",
  kilder: "Kilder",
  del: "Del",
};
