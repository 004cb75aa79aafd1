import { describe, expect, it } from "vitest";
import { normalizeName, readName } from "../src/data/name";

const COMPOSED = "Zo\u00e9";
const DECOMPOSED = "Zoe\u0301";

describe("readName", () => {
  it("stores a name canonically composed (NFC) and trimmed", () => {
    expect(readName(` ${DECOMPOSED} `)).toEqual({ ok: true, name: COMPOSED });
    expect(readName(COMPOSED)).toEqual({ ok: true, name: COMPOSED });
    // The Ångström sign and A with a combining ring are both Å.
    expect(readName("\u212b")).toEqual({ ok: true, name: "\u00c5" });
    expect(readName("A\u030a")).toEqual({ ok: true, name: "\u00c5" });
  });

  it("keeps compatibility forms apart: NFC, not NFKC", () => {
    expect(readName("\ufb01le")).toEqual({ ok: true, name: "\ufb01le" });
  });

  it("removes nothing but the surrounding white space", () => {
    expect(readName("Ada\u200bLovelace")).toEqual({ ok: true, name: "Ada\u200bLovelace" });
    expect(readName("\u200bAda")).toEqual({ ok: true, name: "\u200bAda" });
  });

  it("accepts marks on a base, joiners inside emoji and variation selectors after a character", () => {
    for (const name of ["e\u0301", "👩\u200d💻", "❤\ufe0f", "क्षि", "한국어", "a\u00adb"]) {
      expect(readName(name), JSON.stringify(name)).toEqual({ ok: true, name: name.normalize("NFC") });
    }
  });

  it("counts the limit in code points after NFC", () => {
    // 100 decomposed é are 200 code points as sent, 100 as stored.
    expect(readName("e\u0301".repeat(100))).toEqual({ ok: true, name: "\u00e9".repeat(100) });
    // U+0958 is excluded from composition: NFC makes each of them two code points.
    expect(readName("\u0958".repeat(51))).toEqual({ ok: false, problems: ["too_long"] });
  });

  it.each([
    ["empty", ""],
    ["white space", " \t\u3000 "],
  ])("calls %s blank", (_what, input) => {
    expect(readName(input)).toEqual({ ok: false, problems: ["blank"] });
  });

  it.each([
    ["zero-width space", "\u200b"],
    ["zero-width non-joiner and joiner", "\u200c\u200d"],
    ["word joiner", "\u2060\u2060"],
    ["soft hyphen", "\u00ad"],
    ["byte order mark inside", "\u200b\ufeff\u200b"],
    ["Hangul filler", "\u3164"],
    ["Hangul choseong and jungseong fillers", "\u115f\u1160"],
    ["half-width Hangul filler", "\uffa0"],
    ["variation selector", "\ufe0f"],
    ["combining acute accent with no base", "\u0301"],
    ["combining enclosing circle with no base", "\u20dd"],
    ["tag characters", "\u{e0041}\u{e007f}"],
    ["Mongolian vowel separator", "\u180e"],
    ["invisible characters between spaces", " \u200b \u2060 "],
  ])("calls a name of only %s invisible", (_what, input) => {
    expect(readName(input)).toEqual({ ok: false, problems: ["invisible"] });
  });

  it.each(["\ud800", "\udbff", "a\udc00b", "\ude00\ud83d"])("refuses the lone surrogate in %j", (input) => {
    expect(readName(input)).toEqual({ ok: false, problems: ["not_well_formed"] });
  });

  it("refuses U+FFFD, which stands for text lost before it arrived", () => {
    expect(readName("Zo\ufffd")).toEqual({ ok: false, problems: ["replacement_character"] });
  });

  it("refuses control characters, and names every rule broken", () => {
    expect(readName("a\u0085b")).toEqual({ ok: false, problems: ["control_characters"] });
    expect(readName(`${"x".repeat(101)}\u0007`)).toEqual({ ok: false, problems: ["too_long", "control_characters"] });
  });
});

describe("normalizeName", () => {
  it("composes, then trims", () => {
    expect(normalizeName(`  ${DECOMPOSED}\u3000`)).toBe(COMPOSED);
  });
});
