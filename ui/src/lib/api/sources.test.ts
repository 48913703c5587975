import { describe, expect, it } from "vitest";
import { bodyList } from "./sources";

describe("bodyList", () => {
  it("splits on commas and drops empty names", () => {
    expect(bodyList("TU, BUU , ")).toEqual(["TU", "BUU"]);
    expect(bodyList("  ")).toEqual([]);
    expect(bodyList("Teknisk Udvalg")).toEqual(["Teknisk Udvalg"]);
  });
});
