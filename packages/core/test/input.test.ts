import { describe, expect, it } from "vitest";
import { ID_MAX, NAME_MAX_LENGTH, parseCreateInput, parseId, parseListInput } from "../src/data/input";
import { ValidationError } from "../src/error";

/** The issues a parser refuses its input with. */
function issuesOf(parse: () => unknown) {
  try {
    parse();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error("the input was accepted");
}

describe("parseCreateInput", () => {
  it("trims the name and ignores other fields", () => {
    expect(parseCreateInput({ name: "  café 😀 ", extra: true })).toEqual({ name: "café 😀" });
  });

  it("counts characters as PostgreSQL does, so 100 emoji fit", () => {
    expect(parseCreateInput({ name: "😀".repeat(NAME_MAX_LENGTH) }).name).toHaveLength(2 * NAME_MAX_LENGTH);
  });

  it.each([
    { body: null, issues: [{ field: "body", message: "body must be a JSON object" }] },
    { body: ["alpha"], issues: [{ field: "body", message: "body must be a JSON object" }] },
    { body: {}, issues: [{ field: "name", message: "name is required" }] },
    { body: { name: 7 }, issues: [{ field: "name", message: "name must be a string" }] },
    { body: { name: " \t" }, issues: [{ field: "name", message: "name must not be blank" }] },
    {
      body: { name: `${"x".repeat(NAME_MAX_LENGTH)}\u0007` },
      issues: [
        { field: "name", message: `name must be at most ${NAME_MAX_LENGTH} characters` },
        { field: "name", message: "name must not contain control characters" },
      ],
    },
    { body: { name: "a\u0085b" }, issues: [{ field: "name", message: "name must not contain control characters" }] },
  ])("refuses $body", ({ body, issues }) => {
    expect(issuesOf(() => parseCreateInput(body))).toEqual(issues);
  });
});

describe("parseListInput", () => {
  it("defaults the page size and leaves the cursor out", () => {
    expect(parseListInput({})).toEqual({ limit: 100 });
    expect(parseListInput({ limit: "1000", after: "0" })).toEqual({ limit: 1000, after: 0 });
  });

  it("names every bad parameter at once", () => {
    expect(issuesOf(() => parseListInput({ limit: "0", after: `${ID_MAX + 1}` }))).toEqual([
      { field: "limit", message: "limit must be between 1 and 1000" },
      { field: "after", message: `after must be at most ${ID_MAX}` },
    ]);
    expect(issuesOf(() => parseListInput({ limit: "-5", after: "x" }))).toEqual([
      { field: "limit", message: "limit must be a positive integer" },
      { field: "after", message: "after must be a non-negative integer" },
    ]);
  });
});

describe("parseId", () => {
  it("accepts the ids an integer column can hold", () => {
    expect(parseId("1")).toBe(1);
    expect(parseId(String(ID_MAX))).toBe(ID_MAX);
  });

  it.each([
    { text: "0", message: `id must be between 1 and ${ID_MAX}` },
    { text: String(ID_MAX + 1), message: `id must be between 1 and ${ID_MAX}` },
    { text: "1.5", message: "id must be a positive integer" },
    { text: "1e3", message: "id must be a positive integer" },
    { text: " 1", message: "id must be a positive integer" },
  ])("refuses $text", ({ text, message }) => {
    expect(issuesOf(() => parseId(text))).toEqual([{ field: "id", message }]);
  });
});
