import { describe, expect, it } from "vitest";
import { nextCursor } from "../src/link";

describe("nextCursor", () => {
  it("reads the after cursor of the API's own Link header", () => {
    expect(nextCursor('<http://localhost:3000/data?limit=20&after=20>; rel="next"')).toBe(20);
  });

  it("accepts relative targets, unquoted and multi-valued rel, any case", () => {
    expect(nextCursor("</data?after=7>; rel=next")).toBe(7);
    expect(nextCursor('<https://api.example.com/data?after=41&limit=2>; title="more"; REL="Next last"')).toBe(41);
  });

  it("picks the next link among others", () => {
    const header = '<https://x/data?after=1>; rel="prev", <https://x/data?after=99>; rel="next"';
    expect(nextCursor(header)).toBe(99);
  });

  it("finds no cursor without a usable next link", () => {
    expect(nextCursor(null)).toBeUndefined();
    expect(nextCursor("")).toBeUndefined();
    expect(nextCursor('<https://x/data?after=5>; rel="prev"')).toBeUndefined();
    expect(nextCursor('<https://x/data?after=5>; rel="nextish"')).toBeUndefined();
    expect(nextCursor('<https://x/data?limit=5>; rel="next"')).toBeUndefined();
    expect(nextCursor('<https://x/data?after=-5>; rel="next"')).toBeUndefined();
    expect(nextCursor("not a link header")).toBeUndefined();
  });
});
