import { describe, expect, it } from "vitest";
import { bodyList, leftWords, secondsLeft, sentence } from "./sources";

describe("bodyList", () => {
  it("splits on commas and drops empty names", () => {
    expect(bodyList("TU, BUU , ")).toEqual(["TU", "BUU"]);
    expect(bodyList("  ")).toEqual([]);
    expect(bodyList("Teknisk Udvalg")).toEqual(["Teknisk Udvalg"]);
  });
});

describe("time left", () => {
  it("follows the pace since the step began", () => {
    // 10 of 40 done in 5 s: 30 more at 2 a second.
    expect(secondsLeft(10, 40, 0, 0, 5000)).toBe(15);
    expect(secondsLeft(30, 40, 10, 0, 10_000)).toBe(5);
  });
  it("is unknown before any progress, without a total, and when done", () => {
    expect(secondsLeft(0, 40, 0, 0, 5000)).toBeNull();
    expect(secondsLeft(5, 0, 0, 0, 5000)).toBeNull();
    expect(secondsLeft(40, 40, 0, 0, 5000)).toBeNull();
  });
  it("says it in Danish", () => {
    expect(leftWords(20)).toBe("ca. 20 s tilbage");
    expect(leftWords(125)).toBe("ca. 3 min tilbage");
  });
});

describe("sentence", () => {
  it("capitalises and ends a server message", () => {
    expect(sentence("kender ingen kommune ved navn »aarhsu«; mente du Aarhus?")).toBe(
      "Kender ingen kommune ved navn »aarhsu«; mente du Aarhus?",
    );
    expect(sentence("ingen forbindelse til x")).toBe("Ingen forbindelse til x.");
    expect(sentence("æblet")).toBe("Æblet.");
  });
});
