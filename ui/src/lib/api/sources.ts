// Kilder: sources, background sync and failed files.
import type { BodyChoice } from "../../api/BodyChoice";
import type { FilesPolicy } from "../../api/FilesPolicy";
import type { Source } from "../../api/Source";
import type { SyncState } from "../../api/SyncState";
import type { SourcesStatus } from "../../api/SourcesStatus";
import { get, send } from "../client";

export async function fetchSources(): Promise<Source[]> {
  return (await (await get("/api/sources")).json()) as Source[];
}

export async function addSource(kind: "portal" | "folder", location: string, name: string): Promise<Source> {
  const body = { kind, location, name: name.trim() === "" ? null : name.trim() };
  return (await (await send("POST", "/api/sources", body)).json()) as Source;
}

/** Sets what a portal fetches; nothing already fetched is deleted. */
export async function setSourceScope(
  name: string,
  scope: { bodies: string[]; followed: boolean; since: string | null; files: FilesPolicy },
): Promise<Source> {
  return (await (await send("PUT", `/api/sources/${encodeURIComponent(name)}`, scope)).json()) as Source;
}

/** "TU, BUU , " → ["TU", "BUU"]. */
export function bodyList(text: string): string[] {
  return text
    .split(",")
    .map((b) => b.trim())
    .filter((b) => b !== "");
}

export async function removeSource(name: string): Promise<void> {
  await send("DELETE", `/api/sources/${encodeURIComponent(name)}`);
}

export async function startSync(): Promise<{ started: boolean; state: SyncState }> {
  return (await (await send("POST", "/api/sync")).json()) as { started: boolean; state: SyncState };
}

export async function fetchSync(): Promise<SyncState> {
  return (await (await get("/api/sync")).json()) as SyncState;
}

export async function fetchStatus(): Promise<SourcesStatus> {
  return (await (await get("/api/status")).json()) as SourcesStatus;
}

/** Share of the running step done, 0–1, or null when the total is unknown. */
export function fraction(s: SyncState): number | null {
  if (s.total <= 0) return null;
  return Math.min(1, s.done / s.total);
}

/** The file name of a path, for lists (the full path stays in a title). */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

const dateFmt = new Intl.DateTimeFormat("da-DK", { dateStyle: "medium", timeStyle: "short" });
/** An RFC 3339 time in Danish, or "aldrig". */
export function when(t: string | null): string {
  if (!t) return "aldrig";
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : dateFmt.format(d);
}

/** Asks a portal source for its committees (its list only) and stores them,
 * so they can be followed before the first sync; every body to choose from. */
export async function listPortalBodies(name: string): Promise<BodyChoice[]> {
  return (await (await send("POST", `/api/sources/${encodeURIComponent(name)}/bodies`)).json()) as BodyChoice[];
}

/** "Prøv med demodata": the demo corpus as the source »Demodata«, being imported. */
export async function startDemo(): Promise<{ started: boolean; state: SyncState }> {
  return (await (await send("POST", "/api/demo")).json()) as { started: boolean; state: SyncState };
}

/** Seconds left of a step with `done` of `total` units, at the pace since
 * `since` (when `doneThen` were done), or null before there is a pace. */
export function secondsLeft(done: number, total: number, doneThen: number, since: number, now: number): number | null {
  const rate = (done - doneThen) / ((now - since) / 1000);
  if (total <= 0 || done >= total || !(rate > 0)) return null;
  return Math.ceil((total - done) / rate);
}

/** "ca. 20 s tilbage", "ca. 3 min tilbage". */
export function leftWords(seconds: number): string {
  return seconds < 60 ? `ca. ${seconds} s tilbage` : `ca. ${Math.ceil(seconds / 60)} min tilbage`;
}

/** A server message as a sentence: capital first letter, full stop. */
export function sentence(message: string): string {
  const m = message.trim();
  if (m === "") return m;
  const s = m[0].toLocaleUpperCase("da-DK") + m.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
