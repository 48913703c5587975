// How big the reader draws its pages: the scale at which a page fits beside
// the open panels, and the pages' size in pixels at a scale.

/** The pages' size in pixels and the scale it was drawn at. */
export interface PageSize {
  width: number;
  height: number;
  scale: number;
}

/** The scale at which a page `rawWidth` wide (at scale 1) fits a window
 * `windowWidth` wide beside the open panels: the thumbnails (150 px) and the
 * notes (360 px). On a window narrower than 1000 px the panels sit below
 * the page (see app.css). The page is 280–920 px wide. */
export function fitScale(windowWidth: number, rawWidth: number, panels: { thumbs: boolean; notes: boolean }): number {
  const beside = windowWidth > 1000;
  const side = beside ? (panels.thumbs ? 150 : 0) + (panels.notes ? 360 : 0) : 0;
  const width = Math.min(Math.max(280, windowWidth - side - 64), 920);
  return width / rawWidth;
}

/** A page's size at `scale`, given its size at scale 1, in whole pixels. */
export function pageSize(raw: { width: number; height: number }, scale: number): PageSize {
  return { width: Math.floor(raw.width * scale), height: Math.floor(raw.height * scale), scale };
}
