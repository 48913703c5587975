// Del: sharing bundles (preview, export as a zip download, import of a zip).
import type { BundlePreview } from "../../api/BundlePreview";
import type { ShareCandidate } from "../../api/ShareCandidate";
import type { ImportBundleReport } from "../../api/ImportBundleReport";
import { get, send } from "../client";

/** What to share: a case number or a meeting. */
export type ShareWhat = { case: string } | { meeting: string };

export function shareQuery(w: ShareWhat): string {
  return new URLSearchParams(w as Record<string, string>).toString();
}

export async function fetchCandidates(): Promise<ShareCandidate[]> {
  return (await (await get("/api/share/candidates")).json()) as ShareCandidate[];
}

export async function fetchPreview(w: ShareWhat): Promise<BundlePreview> {
  return (await (await get(`/api/share/preview?${shareQuery(w)}`)).json()) as BundlePreview;
}

/** The bundle's bytes and the file name the server proposes. */
export async function fetchBundle(w: ShareWhat): Promise<{ blob: Blob; filename: string }> {
  const resp = await get(`/api/share/bundle?${shareQuery(w)}`);
  const cd = resp.headers.get("Content-Disposition") ?? "";
  const m = /filename="([^"]+)"/.exec(cd);
  return { blob: await resp.blob(), filename: m ? m[1] : "moedemappe-deling.zip" };
}

export async function importBundle(file: Blob): Promise<ImportBundleReport> {
  return (await (await send("POST", "/api/share/import", file)).json()) as ImportBundleReport;
}

export async function fetchAuthor(): Promise<{ id: string; name: string }> {
  return (await (await get("/api/share/author")).json()) as { id: string; name: string };
}

export async function setAuthor(name: string): Promise<{ id: string; name: string }> {
  return (await (await send("PUT", "/api/share/author", { name })).json()) as { id: string; name: string };
}

/** Saves a blob under a file name through the browser's download. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const sizeFmt = new Intl.NumberFormat("da-DK", { maximumFractionDigits: 1 });
/** Bytes as "1,2 MB". */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${sizeFmt.format(bytes / 1024)} kB`;
  return `${sizeFmt.format(bytes / 1024 / 1024)} MB`;
}
