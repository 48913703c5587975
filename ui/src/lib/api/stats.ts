// Statistik: the workload table (`/api/stats`) and its CSV download
// (`/api/stats/csv`, written by the core, the same rows).
import type { Stats } from "../../api/Stats";
import type { StatsRow } from "../../api/StatsRow";
import { get } from "../client";

/** The filters of the Statistik screen. */
export interface StatsFilter {
  from: string;
  to: string;
  /** Body names; empty: every body. */
  bodies: string[];
  by: "year" | "month";
}

/** The query string of a filter (empty values left out). */
export function statsQuery(f: StatsFilter): string {
  const p = new URLSearchParams();
  if (f.from) p.set("from", f.from);
  if (f.to) p.set("to", f.to);
  if (f.bodies.length > 0) p.set("body", f.bodies.join(","));
  p.set("by", f.by);
  return p.toString();
}

export async function fetchStats(f: StatsFilter, signal?: AbortSignal): Promise<Stats> {
  const resp = await get(`/api/stats?${statsQuery(f)}`, signal);
  return (await resp.json()) as Stats;
}

/** The CSV of the same filter, as text. */
export async function fetchStatsCsv(f: StatsFilter): Promise<string> {
  const resp = await get(`/api/stats/csv?${statsQuery(f)}`);
  return await resp.text();
}

/** The Excel workbook (.xlsx) of the same filter. */
export async function fetchStatsXlsx(f: StatsFilter): Promise<Blob> {
  const resp = await get(`/api/stats/xlsx?${statsQuery(f)}`);
  return await resp.blob();
}

/** A body's figures summed over the periods shown. */
export interface BodyTotal {
  body_id: number;
  body: string;
  short: string | null;
  meetings: number;
  items: number;
  referred: number;
  pages: number;
}

/** Totals per body, in the order the rows come (by body name). */
export function totalsByBody(rows: StatsRow[]): BodyTotal[] {
  const map = new Map<number, BodyTotal>();
  for (const r of rows) {
    let t = map.get(r.body_id);
    if (!t) {
      t = { body_id: r.body_id, body: r.body, short: r.body_short, meetings: 0, items: 0, referred: 0, pages: 0 };
      map.set(r.body_id, t);
    }
    t.meetings += r.meetings;
    t.items += r.items;
    t.referred += r.referred;
    t.pages += r.pages;
  }
  return [...map.values()];
}

/** The periods of the rows, in order. */
export function periods(rows: StatsRow[]): string[] {
  return [...new Set(rows.map((r) => r.period))].sort();
}

const MONTHS = ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."];

/** "2023" stays; "2023-04" becomes "apr. 2023". */
export function periodLabel(p: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(p);
  return m ? `${MONTHS[Number(m[2]) - 1]} ${m[1]}` : p;
}

const nf = new Intl.NumberFormat("da-DK");
/** A number in Danish: 15.346 and 1,5. */
export function da(n: number): string {
  return nf.format(n);
}
