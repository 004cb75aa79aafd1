import { describe, expect, it } from "vitest";
import { CreateBody, IdParam, listInput, ListQuery } from "../src/data/input";
import { parse } from "../src/validation";
import { ValidationError } from "../src/error";

function rejection(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error("expected a ValidationError");
}

describe("CreateBody", () => {
  it("trims the name", () => {
    expect(parse(CreateBody, { name: "  Ada  " })).toEqual({ name: "Ada" });
  });

  it("counts characters, not UTF-16 units, against the 100 limit", () => {
    expect(parse(CreateBody, { name: "😀".repeat(100) }).name).toHaveLength(200);
    expect(rejection(() => parse(CreateBody, { name: "😀".repeat(101) }))).toEqual([
      { field: "name", message: "name must be at most 100 characters" },
    ]);
  });

  it("stores the name in NFC, so that one name typed two ways is one name", () => {
    expect(parse(CreateBody, { name: " Zoe\u0301 " })).toEqual({ name: "Zo\u00e9" });
  });

  it("counts the limit after NFC", () => {
    expect(parse(CreateBody, { name: "e\u0301".repeat(100) }).name).toBe("\u00e9".repeat(100));
  });

  it("accepts exactly 100 characters after trimming", () => {
    expect(parse(CreateBody, { name: ` ${"x".repeat(100)} ` }).name).toHaveLength(100);
  });

  it.each([
    [{}, "name", "name is required"],
    [{ name: null }, "name", "name must be a string"],
    [{ name: 42 }, "name", "name must be a string"],
    [{ name: ["a"] }, "name", "name must be a string"],
    [{ name: "" }, "name", "name must not be blank"],
    [{ name: " \t " }, "name", "name must not be blank"],
    [{ name: "x".repeat(101) }, "name", "name must be at most 100 characters"],
    [{ name: "a\u0000b" }, "name", "name must not contain control characters"],
    [{ name: "line\nbreak" }, "name", "name must not contain control characters"],
    [{ name: "del\u007f" }, "name", "name must not contain control characters"],
    [{ name: "\u200b" }, "name", "name must not be blank: it has only invisible characters"],
    [{ name: "\u00ad" }, "name", "name must not be blank: it has only invisible characters"],
    [{ name: "\u3164" }, "name", "name must not be blank: it has only invisible characters"],
    [{ name: "\u0301\u0301" }, "name", "name must not be blank: it has only invisible characters"],
    [{ name: "\ud800" }, "name", "name must be well-formed Unicode text"],
    [{ name: "Zo\ufffd" }, "name", "name must not contain U+FFFD, the replacement character: the text was damaged before it was sent"],
    [[{ name: "a" }], "body", "body must be a JSON object"],
    ["a", "body", "body must be a JSON object"],
    [null, "body", "body must be a JSON object"],
  ])("rejects %j: %s %s", (input, field, message) => {
    expect(rejection(() => parse(CreateBody, input))).toEqual([{ field, message }]);
  });
});

describe("ListQuery", () => {
  it("defaults to 100 rows from the start", () => {
    expect(parse(ListQuery, {})).toEqual({ limit: 100 });
  });

  it("reads limit and after", () => {
    expect(parse(ListQuery, { limit: "1000", after: "0" })).toEqual({ limit: 1000, after: 0 });
  });

  it.each([
    [{ limit: "0" }, "limit", "limit must be between 1 and 1000"],
    [{ limit: "1001" }, "limit", "limit must be between 1 and 1000"],
    [{ limit: "-1" }, "limit", "limit must be a positive integer"],
    [{ limit: "ten" }, "limit", "limit must be a positive integer"],
    [{ limit: "1.5" }, "limit", "limit must be a positive integer"],
    [{ limit: "" }, "limit", "limit must be a positive integer"],
    [{ after: "x" }, "after", "after must be a non-negative integer"],
    [{ after: "99999999999999999999" }, "after", "after must be at most 2147483647"],
  ])("rejects %j", (input, field, message) => {
    expect(rejection(() => parse(ListQuery, input))).toEqual([{ field, message }]);
  });
});

describe("listInput", () => {
  it("reads an empty query as ListQuery's defaults, the same for every call and not to be changed", () => {
    const first = listInput({});
    expect(first).toEqual(parse(ListQuery, {}));
    expect(listInput({})).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("parses any other query with ListQuery, refusals included", () => {
    expect(listInput({ limit: "5", after: "7" })).toEqual({ limit: 5, after: 7 });
    expect(rejection(() => listInput({ limit: "0" }))).toEqual([{ field: "limit", message: "limit must be between 1 and 1000" }]);
  });
});

describe("IdParam", () => {
  it("accepts the identity range", () => {
    expect(parse(IdParam, "1")).toBe(1);
    expect(parse(IdParam, "2147483647")).toBe(2147483647);
  });

  it.each(["0", "2147483648", "99999999999999999999", "abc", "1e3", "-5", " 7"])("rejects %j", (id) => {
    expect(rejection(() => parse(IdParam, id, "id"))[0]?.field).toBe("id");
  });
});

describe("several issues at once", () => {
  it("names every rule a name breaks", () => {
    expect(rejection(() => parse(CreateBody, { name: `${"x".repeat(100)}\u0007` }))).toEqual([
      { field: "name", message: "name must be at most 100 characters" },
      { field: "name", message: "name must not contain control characters" },
    ]);
  });

  it("names every bad query parameter", () => {
    expect(rejection(() => parse(ListQuery, { limit: "0", after: "x" }))).toEqual([
      { field: "limit", message: "limit must be between 1 and 1000" },
      { field: "after", message: "after must be a non-negative integer" },
    ]);
  });
});
