// OCR of scanned pages: the background run's state, pause and resume, and
// the words of its state in Danish for Kilder.
import type { OcrState } from "../../api/OcrState";
import { get, send } from "../client";
import { leftWords } from "./sources";
import { da } from "./stats";

/** What a hit or passage on a page read by OCR is labelled with. */
export const OCR_NOTE = "OCR – teksten kan indeholde fejl";

export async function fetchOcr(): Promise<OcrState> {
  return (await (await get("/api/ocr")).json()) as OcrState;
}

export async function pauseOcr(): Promise<OcrState> {
  return (await (await send("POST", "/api/ocr/pause")).json()) as OcrState;
}

export async function resumeOcr(): Promise<OcrState> {
  return (await (await send("POST", "/api/ocr/resume")).json()) as OcrState;
}

/** "1 side" / "12 sider". */
export function pages(n: number): string {
  return n === 1 ? "1 side" : `${da(n)} sider`;
}

/** One line about where OCR stands, in plain Danish. */
export function ocrLine(s: OcrState): string {
  const left = s.pages_left;
  if (s.paused) {
    return left > 0 ? `Sat på pause; ${pages(left)} venter.` : "Sat på pause.";
  }
  if (s.running && left > 0) {
    const time = s.seconds_left !== null ? ` · ${leftWords(s.seconds_left)}` : "";
    return `Læser scannede sider: ${pages(left)} tilbage${time}.`;
  }
  if (left > 0) return `${pages(left)} venter på at blive læst.`;
  if (s.counts.done === 0 && s.counts.failed === 0) return "Ingen scannede sider.";
  return `Alle scannede sider er læst: ${pages(s.counts.with_text)} med tekst.`;
}

/** Share of the pages OCR has to do with that are done, 0–1, or null. */
export function ocrFraction(s: OcrState): number | null {
  const all = s.counts.done + s.counts.failed + s.pages_left;
  if (all === 0) return null;
  return (s.counts.done + s.counts.failed) / all;
}
