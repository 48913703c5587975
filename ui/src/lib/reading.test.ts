import { describe, expect, it } from "vitest";
import {
  badges,
  clock,
  dateBlock,
  leftLine,
  meetingDay,
  minutesFor,
  pagesLabel,
  publicationName,
  readPercent,
  readingTime,
  relativeDay,
  textSections,
  todayIso,
} from "./reading";

const plain = { closed: false, kind: "regular" as const, flags: { referred: false, postponed: false, foretraede: false } };

describe("reading load", () => {
  it("says pages in Danish with thousands separators", () => {
    expect(pagesLabel(1)).toBe("1 side");
    expect(pagesLabel(0)).toBe("0 sider");
    expect(pagesLabel(15346)).toBe("15.346 sider");
  });
  it("formats reading time in hours and minutes", () => {
    expect(readingTime(0)).toBe("0 min");
    expect(readingTime(25)).toBe("25 min");
    expect(readingTime(60)).toBe("1 t");
    expect(readingTime(125)).toBe("2 t 5 min");
  });
  it("counts minutes like the backend (rounded up)", () => {
    expect(minutesFor(41, 40)).toBe(62);
    expect(minutesFor(40, 40)).toBe(60);
    expect(minutesFor(0, 40)).toBe(0);
    expect(minutesFor(10, 0)).toBe(0);
  });
  it("reaches 100 % only when every page is read", () => {
    expect(readPercent(0, 0)).toBe(0);
    expect(readPercent(199, 200)).toBe(99);
    expect(readPercent(200, 200)).toBe(100);
    expect(readPercent(1, 3)).toBe(33);
  });
  it("says what is left", () => {
    expect(leftLine(0, 0, 0)).toBe("Ingen bilag at læse");
    expect(leftLine(10, 10, 0)).toBe("Alt er læst");
    expect(leftLine(100, 16, 126)).toBe("84 sider tilbage · ca. 2 t 6 min");
  });
});

describe("badges", () => {
  it("gives an ordinary item none", () => {
    expect(badges(plain)).toEqual([]);
  });
  it("puts LUKKET first and keeps the flags' order", () => {
    const b = badges({ closed: true, kind: "briefing", flags: { referred: true, postponed: true, foretraede: true } });
    expect(b.map((x) => x.kind)).toEqual(["closed", "referred", "postponed", "foretraede", "briefing"]);
    expect(b[0].label).toBe("Lukket");
  });
  it("marks a referred item and a written briefing", () => {
    expect(badges({ ...plain, flags: { ...plain.flags, referred: true } }).map((x) => x.label)).toEqual(["Henvist"]);
    expect(badges({ ...plain, kind: "briefing" }).map((x) => x.label)).toEqual(["Orientering"]);
    expect(badges({ ...plain, kind: "fixed" })).toEqual([]);
  });
});

describe("days", () => {
  it("names the weekday and date in Danish", () => {
    expect(meetingDay("2025-03-05")).toBe("onsdag 5. marts 2025");
    expect(meetingDay("not a date")).toBe("not a date");
  });
  it("gives the date block", () => {
    expect(dateBlock("2024-12-09")).toEqual({ day: "9", month: "dec", year: "2024" });
  });
  it("says today, tomorrow and days ahead", () => {
    expect(relativeDay("2025-03-05", "2025-03-05")).toBe("i dag");
    expect(relativeDay("2025-03-06", "2025-03-05")).toBe("i morgen");
    expect(relativeDay("2025-03-12", "2025-03-05")).toBe("om 7 dage");
    expect(relativeDay("2025-05-12", "2025-03-05")).toBe("");
  });
  it("reads start times", () => {
    expect(clock("09:00")).toBe("kl. 9.00");
    expect(clock("15:30:00")).toBe("kl. 15.30");
    expect(clock(null)).toBe("");
  });
  it("names publications and today", () => {
    expect(publicationName("minutes")).toBe("Referat");
    expect(publicationName("agenda")).toBe("Dagsorden");
    expect(todayIso(new Date(2026, 0, 3))).toBe("2026-01-03");
  });
});

describe("textSections", () => {
  it("splits the case text at its headings", () => {
    const s = textSections("Indstilling\nAt byrådet godkender.\nSagsfremstilling\nLinje 1\nLinje 2\nBeslutning\nGodkendt.");
    expect(s).toEqual([
      { heading: "Indstilling", body: "At byrådet godkender." },
      { heading: "Sagsfremstilling", body: "Linje 1\nLinje 2" },
      { heading: "Beslutning", body: "Godkendt." },
    ]);
  });
  it("keeps text without headings as one section", () => {
    expect(textSections("Bare tekst")).toEqual([{ heading: "", body: "Bare tekst" }]);
    expect(textSections(null)).toEqual([]);
  });
});
