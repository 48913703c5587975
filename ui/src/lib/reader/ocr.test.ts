import { describe, expect, it } from "vitest";
import { placeWords } from "./ocr";

describe("OCR words on the drawn page", () => {
  it("scales boxes from the page image to the page and spaces the words", () => {
    const placed = placeWords(
      {
        confidence: 95,
        dpi: 300,
        width: 2480,
        height: 3508,
        words: [
          ["Byrådet", 248, 350, 496, 70, 96],
          ["har", 800, 352, 200, 68, 94],
          ["søen.", 248, 500, 300, 70, 90],
        ],
      },
      620,
      877,
    );
    expect(placed.map((w) => w.text)).toEqual(["Byrådet ", "har ", "søen."]);
    expect(placed[0].left).toBeCloseTo(62);
    expect(placed[0].top).toBeCloseTo(87.5);
    expect(placed[0].width).toBeCloseTo(124);
    expect(placed[0].height).toBeCloseTo(17.5);
  });

  it("places nothing without an image size", () => {
    expect(placeWords({ confidence: null, dpi: 300, width: 0, height: 0, words: [] }, 100, 100)).toEqual([]);
  });
});
