import { describe, expect, it } from "vitest";
import { fitScale, pageSize } from "./layout";

describe("the scale a page is drawn at", () => {
  it("leaves room for the open panels on a wide window", () => {
    // 1200 - 150 - 360 - 64 = 626 px for a 600 px page.
    expect(fitScale(1200, 600, { thumbs: true, notes: true })).toBeCloseTo(626 / 600);
    expect(fitScale(1200, 600, { thumbs: false, notes: true })).toBeCloseTo(776 / 600);
    // 986 px would be wider than a page is drawn.
    expect(fitScale(1200, 600, { thumbs: true, notes: false })).toBeCloseTo(920 / 600);
  });

  it("puts the panels below on a narrow window, and keeps the page 280–920 px", () => {
    expect(fitScale(900, 600, { thumbs: true, notes: true })).toBeCloseTo(836 / 600);
    expect(fitScale(300, 600, { thumbs: false, notes: false })).toBeCloseTo(280 / 600);
    expect(fitScale(3000, 600, { thumbs: false, notes: false })).toBeCloseTo(920 / 600);
  });

  it("sizes a page in whole pixels", () => {
    expect(pageSize({ width: 595.3, height: 841.9 }, 1.5)).toEqual({ width: 892, height: 1262, scale: 1.5 });
  });
});
