import { describe, expect, it } from "vitest";
import { titleOf } from "./title";

describe("titleOf", () => {
  it("puts the most specific part first and leaves out empty ones", () => {
    expect(titleOf("Teknisk Udvalg 4.3.2024", "Møde")).toBe("Teknisk Udvalg 4.3.2024 – Møde – Mødemappe");
    expect(titleOf(null, "Statistik")).toBe("Statistik – Mødemappe");
    expect(titleOf()).toBe("Mødemappe");
  });
});
