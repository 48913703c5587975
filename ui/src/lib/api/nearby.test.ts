import { describe, expect, it } from "vitest";
import { cleanCode, codeReady, minutesLeft, phaseWords, received } from "./nearby";

describe("nearby", () => {
  it("reads a typed code as its digits", () => {
    expect(cleanCode("042 917")).toBe("042917");
    expect(cleanCode(" 04-29-17 ")).toBe("042917");
    expect(cleanCode("1234567")).toBe("123456");
    expect(codeReady("042 917")).toBe(true);
    expect(codeReady("04291")).toBe(false);
  });

  it("says how much is received", () => {
    expect(received({ bytes: 0, total: 0 })).toBeNull();
    expect(received({ bytes: 512, total: 1024 })).toBe(0.5);
    expect(received({ bytes: 2048, total: 1024 })).toBe(1);
  });

  it("says the time left in minutes", () => {
    expect(minutesLeft(1799)).toBe("29 min.");
    expect(minutesLeft(59)).toBe("under 1 min.");
  });

  it("names every phase of a take in Danish", () => {
    expect(phaseWords("receiving")).toBe("Henter");
    expect(phaseWords("failed")).toBe("Mislykkedes");
    expect(phaseWords("idle")).toBe("");
  });
});
