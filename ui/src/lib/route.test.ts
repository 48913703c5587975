import { describe, expect, it } from "vitest";
import { caseHref, parseRoute, parseShareTarget, shareHref } from "./route";

describe("parseRoute", () => {
  it("shows the front page on a bare address", () => {
    expect(parseRoute("", "")).toEqual({ screen: "forside" });
    expect(parseRoute("#/", "")).toEqual({ screen: "forside" });
  });
  it("shows the search for a query or its own hash", () => {
    expect(parseRoute("", "?q=budget")).toEqual({ screen: "soeg" });
    expect(parseRoute("#/soeg", "")).toEqual({ screen: "soeg" });
  });
  it("reads meeting ids and case numbers", () => {
    expect(parseRoute("#/moede/42", "")).toEqual({ screen: "moede", id: 42 });
    expect(parseRoute(caseHref("23/01234").slice(1), "")).toEqual({ screen: "sag", number: "23/01234" });
  });
  it("keeps the reader ahead of the search it came from", () => {
    expect(parseRoute("#/laes/3/2?q=x", "?q=x")).toEqual({ screen: "laes" });
  });
  it("falls back to the front page on an unknown screen", () => {
    expect(parseRoute("#/nowhere", "")).toEqual({ screen: "forside" });
  });
});

describe("Del from where you are", () => {
  it("names a case or a meeting in Del's address, and reads it back", () => {
    const forCase = shareHref({ case: "EMN-2024-001773" }).slice(1);
    expect(parseRoute(forCase, "")).toEqual({ screen: "del" });
    expect(parseShareTarget(forCase)).toEqual({ mode: "case", what: "EMN-2024-001773" });
    const forMeeting = shareHref({ meeting: 12 }).slice(1);
    expect(parseShareTarget(forMeeting)).toEqual({ mode: "meeting", what: "12" });
    expect(parseShareTarget("#/del")).toBeNull();
  });
});
