import { CreateInput, parse } from "@data-api/core/data/input";
import { describe, expect, it } from "vitest";
import { checkName, lengthHint } from "../src/name";

describe("checkName", () => {
  it("accepts a name and trims it as the API does", () => {
    expect(checkName("  Ada Lovelace ")).toEqual({ ok: true, name: "Ada Lovelace" });
  });

  it("asks for a name when there is none", () => {
    expect(checkName("")).toMatchObject({ ok: false, reason: "blank", message: "Enter a name." });
    expect(checkName(" \u3000 ")).toMatchObject({ ok: false, reason: "blank" });
  });

  it("counts characters, not UTF-16 units, against the limit of 100", () => {
    expect(checkName("🙂".repeat(100))).toEqual({ ok: true, name: "🙂".repeat(100) });
    expect(checkName("x".repeat(101))).toMatchObject({
      ok: false,
      reason: "too_long",
      message: "Use at most 100 characters; this name has 101.",
    });
  });

  it("refuses control characters", () => {
    expect(checkName("tab\there")).toMatchObject({ ok: false, reason: "control_characters" });
    expect(checkName("bell\u0007")).toMatchObject({ ok: false, reason: "control_characters" });
  });

  it("agrees with the API's schema on every sample", () => {
    const samples = ["Ada", "  padded  ", "", "   ", "x".repeat(100), ` ${"x".repeat(100)} `, "x".repeat(101),
      "🙂".repeat(100), "🙂".repeat(101), "a\u0000b", "a\u009fb", "é", "line\nbreak"];
    const acceptedByApi = (name: string) => {
      try {
        return parse(CreateInput, { name }).name;
      } catch {
        return undefined;
      }
    };
    for (const sample of samples) {
      const api = acceptedByApi(sample);
      const page = checkName(sample);
      expect(page.ok, JSON.stringify(sample)).toBe(api !== undefined);
      if (page.ok) expect(page.name).toBe(api);
    }
  });
});

describe("lengthHint", () => {
  it("counts the trimmed name in characters", () => {
    expect(lengthHint("")).toBe("0/100");
    expect(lengthHint("  Ada ")).toBe("3/100");
    expect(lengthHint("🙂🙂")).toBe("2/100");
  });
});
