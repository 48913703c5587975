// A text layer for a scanned page, from the words OCR read on it: a pdf.js
// text layer is empty on a scan, so the reader places one transparent span
// per OCR word over the picture instead. Search words, highlights, notes and
// the search inside the document then work on it as on a text page.
import type { OcrPageWords } from "../../api/OcrPageWords";
import { ApiError, get } from "../client";

/** One word placed on the drawn page, in CSS pixels. */
export interface PlacedWord {
  text: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The words OCR read on a page, or null when its text is not from OCR. */
export async function fetchOcrWords(attachment: number, page: number): Promise<OcrPageWords | null> {
  try {
    return (await (await get(`/api/attachments/${attachment}/pages/${page}/ocr`)).json()) as OcrPageWords;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** The words' boxes scaled from the page image (pixels at its DPI) to a
 * drawn page of `width` × `height` CSS pixels; each word but the last ends
 * with a space, so selected text reads as words (the stored text has a line
 * break there; quotes are compared with whitespace collapsed). */
export function placeWords(ocr: OcrPageWords, width: number, height: number): PlacedWord[] {
  if (ocr.width === 0 || ocr.height === 0) return [];
  const sx = width / ocr.width;
  const sy = height / ocr.height;
  return ocr.words.map(([text, x, y, w, h], i) => {
    const last = i + 1 === ocr.words.length;
    return {
      text: last ? text : `${text} `,
      left: x * sx,
      top: y * sy,
      width: w * sx,
      height: h * sy,
    };
  });
}

/** Spans for `placed` inside a `.textLayer` container, each stretched to
 * its word's width (measured with `measure`, in pixels at font size 1). */
export function wordSpans(placed: PlacedWord[], measure: (text: string) => number): HTMLElement[] {
  return placed.map((w) => {
    const span = document.createElement("span");
    span.textContent = w.text;
    const size = Math.max(1, w.height);
    span.style.left = `${w.left}px`;
    span.style.top = `${w.top}px`;
    span.style.fontSize = `${size}px`;
    span.style.fontFamily = "sans-serif";
    const natural = measure(w.text.trimEnd()) * size;
    if (natural > 0) span.style.transform = `scaleX(${w.width / natural})`;
    return span;
  });
}
