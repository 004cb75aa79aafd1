import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { compile } from "../../../scripts/statements/compile";
import { generatedFiles, queryModules } from "../../../scripts/statements/files";
import { run, type Queryable } from "../src/db/database";
import { placeholder } from "../src/db/queries";

describe("the compiled statements", () => {
  it("are what `npm run db:statements` compiles from the *.queries.ts modules: run it after changing one", async () => {
    const files = await generatedFiles();
    expect(files.map(({ path }) => path.replace(/^.*packages\//, ""))).toEqual([
      "core/src/data/data.statements.ts",
      "core/src/idempotency/idempotency.statements.ts",
    ]);
    for (const { path, text } of files) expect(readFileSync(path, "utf8"), `${path} is stale: npm run db:statements`).toBe(text);
    expect(queryModules()).toHaveLength(files.length);
  });

  it("write a query's constants into the text and leave what a request supplies to its placeholders", () => {
    const query = sql`select ${"it's"} as quoted, ${3} as three where ${placeholder("x")} = ${placeholder("y")}`;
    expect(compile("example", query)).toEqual({ text: `select 'it''s' as quoted, 3 as three where $1 = $2`, params: ["x", "y"] });
  });
});

describe("run", () => {
  const echo: Queryable = { query: async <Row extends object>(text: string, params: readonly unknown[] = []) => [{ text, params }] as unknown as Row[] };

  it("gives each placeholder its value by name, in the statement's order; null is a value", async () => {
    expect(await run(echo, { text: "t", params: ["b", "a", "b"] }, { a: 1, b: null })).toEqual([{ text: "t", params: [null, 1, null] }]);
  });

  it("refuses a statement whose placeholder got no value, naming it", () => {
    expect(() => run(echo, { text: "select $1", params: ["after"] }, { before: 1 })).toThrow(/No value for the parameter "after" of: select \$1/);
  });
});
