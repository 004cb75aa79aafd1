import { Data } from "@data-api/core/data";
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

  it("stores the name in NFC, as the API does", () => {
    expect(checkName("Zoe\u0301")).toEqual({ ok: true, name: "Zo\u00e9" });
  });

  it("asks for visible characters when a name has none", () => {
    for (const input of ["\u200b", "\u00ad", "\u3164", "\u0301", "\u2060\ufeff"]) {
      expect(checkName(input), JSON.stringify(input)).toEqual({
        ok: false,
        reason: "invisible",
        message: "Enter a name with visible characters.",
      });
    }
  });

  it("refuses broken text: a lone surrogate, or U+FFFD where text was lost", () => {
    expect(checkName("Zo\ud800")).toEqual({
      ok: false,
      reason: "not_well_formed",
      message: "Part of this name is broken; type it again.",
    });
    expect(checkName("Zo\ufffd")).toEqual({
      ok: false,
      reason: "replacement_character",
      message: "Replace each “\ufffd”: it marks text that was lost before it got here.",
    });
  });

  it("agrees with the API's schema on every sample", () => {
    const samples = ["Ada", "  padded  ", "", "   ", "x".repeat(100), ` ${"x".repeat(100)} `, "x".repeat(101),
      "🙂".repeat(100), "🙂".repeat(101), "a\u0000b", "a\u009fb", "é", "line\nbreak", "Zoe\u0301", "e\u0301".repeat(100),
      "\u0958".repeat(51), "\u200b", "\u00ad", "\u3164", "\u115f\u1160", "\u0301", "\ufe0f", "a\u200bb", "\ud800", "\udbff",
      "x\ufffd", "👩\u200d💻"];
    const acceptedByApi = (name: string) => {
      try {
        return Data.parse(Data.CreateBody, { name }).name;
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
  it("counts the trimmed name in characters, after NFC", () => {
    expect(lengthHint("")).toBe("0/100");
    expect(lengthHint("  Ada ")).toBe("3/100");
    expect(lengthHint("🙂🙂")).toBe("2/100");
    expect(lengthHint("Zoe\u0301")).toBe("3/100");
  });
});
