import { describe, expect, it } from "vitest";
import { ApiError, offlinePages, sentence } from "./client";

describe("offlinePages", () => {
  it("gives the stored text of an offline text-only bilag", () => {
    const e = new ApiError("kun gemt som tekst", 503, { code: "network", message: "x", pages: ["a", "b"] });
    expect(offlinePages(e)).toEqual(["a", "b"]);
  });
  it("is null for other errors", () => {
    expect(offlinePages(new ApiError("x", 404, { pages: ["a"] }))).toBeNull();
    expect(offlinePages(new ApiError("x", 503, { message: "x" }))).toBeNull();
    expect(offlinePages(new Error("x"))).toBeNull();
  });
});

describe("sentence", () => {
  it("gives a server message a capital, a full stop and Danish quotes", () => {
    expect(sentence("intet udvalg hedder «XY»")).toBe("Intet udvalg hedder »XY«.");
    expect(sentence("Mødet findes ikke.")).toBe("Mødet findes ikke.");
    expect(sentence("ødelagt fil: side 3?")).toBe("Ødelagt fil: side 3?");
    expect(sentence("  ")).toBe("");
  });
});
