import { describe, expect, it } from "vitest";
import type { StatsRow } from "../api/StatsRow";
import { chartData, chartTotal } from "./chart";
import { da, periodLabel, statsQuery, totalsByBody } from "./api/stats";

function row(body_id: number, body: string, period: string, pages: number, items: number): StatsRow {
  return {
    body_id,
    body,
    body_short: body === "Teknisk Udvalg" ? "TU" : null,
    period,
    period_start: `${period.slice(0, 4)}-01-01`,
    period_end: `${period.slice(0, 4)}-12-31`,
    meetings: 2,
    meetings_with_times: 2,
    meeting_hours: 3.5,
    avg_meeting_hours: 1.75,
    items,
    briefings: 0,
    referred: 1,
    attachments: 4,
    pages,
    attachments_without_pages: 0,
  };
}

const rows = [
  row(1, "Kulturudvalget", "2023", 1444, 73),
  row(1, "Kulturudvalget", "2024", 1457, 68),
  row(2, "Teknisk Udvalg", "2023", 15346, 116),
  row(2, "Teknisk Udvalg", "2024", 4149, 121),
];

describe("statistics charts", () => {
  it("per year: bars per committee, one series per year", () => {
    const d = chartData(rows, "pages", "year");
    expect(d.labels).toEqual(["Kulturudvalget", "TU"]);
    expect(d.datasets.map((s) => s.label)).toEqual(["2023", "2024"]);
    expect(d.datasets[0].data).toEqual([1444, 15346]);
    expect(d.stacked).toBe(false);
    expect(chartTotal(d)).toBe(1444 + 1457 + 15346 + 4149);
  });

  it("per month: stacked by committee", () => {
    const m = [row(1, "Kulturudvalget", "2023-04", 10, 2), row(2, "Teknisk Udvalg", "2023-04", 5, 1)];
    const d = chartData(m, "items", "month");
    expect(d.labels).toEqual(["apr. 2023"]);
    expect(d.datasets.map((s) => s.data[0])).toEqual([2, 1]);
    expect(d.stacked).toBe(true);
  });

  it("totals, labels, Danish numbers and the query", () => {
    const t = totalsByBody(rows);
    expect(t.map((x) => [x.body, x.pages, x.items])).toEqual([
      ["Kulturudvalget", 2901, 141],
      ["Teknisk Udvalg", 19495, 237],
    ]);
    expect(periodLabel("2024-12")).toBe("dec. 2024");
    expect(da(15346)).toBe("15.346");
    expect(statsQuery({ from: "2023-01-01", to: "", bodies: ["Kulturudvalget", "TU"], by: "year" })).toBe(
      "from=2023-01-01&body=Kulturudvalget%2CTU&by=year",
    );
  });
});
