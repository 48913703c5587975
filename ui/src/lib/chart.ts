// The data of the Statistik charts, from the same rows as the table: per
// year, bars per committee with one colour per year; per month, one bar per
// month stacked by committee. Kept apart from Chart.js so it can be tested.
import type { StatsRow } from "../api/StatsRow";
import { periodLabel, periods } from "./api/stats";

/** The figure a chart shows. */
export type Metric = "pages" | "items";

export interface ChartSeries {
  label: string;
  data: number[];
  color: string;
}

export interface ChartData {
  labels: string[];
  datasets: ChartSeries[];
  stacked: boolean;
}

/** Calm colours that stay apart for people with red-green colour blindness. */
export const PALETTE = [
  "#1c4f82", "#e08a1e", "#4f9fd1", "#7a5195", "#2f8f6b",
  "#c24e4e", "#8c7b4f", "#d47fb0", "#5e6b78", "#a9c25d",
  "#3d3d8f", "#b7662b",
];

function bodyLabel(r: StatsRow): string {
  return r.body_short ?? r.body;
}

/** The chart of `metric` for the rows shown. */
export function chartData(rows: StatsRow[], metric: Metric, by: "year" | "month"): ChartData {
  const ps = periods(rows);
  const bodies: { id: number; label: string }[] = [];
  for (const r of rows) {
    if (!bodies.some((b) => b.id === r.body_id)) bodies.push({ id: r.body_id, label: bodyLabel(r) });
  }
  const value = (body: number, period: string) =>
    rows.find((r) => r.body_id === body && r.period === period)?.[metric] ?? 0;
  if (by === "year") {
    return {
      labels: bodies.map((b) => b.label),
      datasets: ps.map((p, i) => ({
        label: periodLabel(p),
        data: bodies.map((b) => value(b.id, p)),
        color: PALETTE[i % PALETTE.length],
      })),
      stacked: false,
    };
  }
  return {
    labels: ps.map(periodLabel),
    datasets: bodies.map((b, i) => ({
      label: b.label,
      data: ps.map((p) => value(b.id, p)),
      color: PALETTE[i % PALETTE.length],
    })),
    stacked: true,
  };
}

/** The sum of every bar. */
export function chartTotal(d: ChartData): number {
  return d.datasets.reduce((s, ds) => s + ds.data.reduce((a, b) => a + b, 0), 0);
}
