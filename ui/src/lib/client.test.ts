import { describe, expect, it } from "vitest";
import { ApiError, offlinePages } from "./client";

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
