import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Queryable } from "../../src/db/database";
import { pgliteDatabase } from "../../src/db/pglite";
import { postgresDatabase } from "../../src/db/postgres";
import { readName, type NameProblem } from "../../src/data/name";
import { migrationsFolder } from "../support/database";
import { migrationsBefore } from "../support/migrations";

const MIGRATION = "0003_nfc_names";

/** A database of its own, hearing what the migrations say (RAISE WARNING and NOTICE). */
interface Scratch {
  db: Queryable;
  said: string[];
  migrate(folder: string): Promise<void>;
  close(): Promise<void>;
}

const recorder = (said: string[]) => (notice: { message?: string }) => said.push(notice.message ?? "");

async function scratchPostgres(url: string): Promise<Scratch> {
  const admin = postgres(url, { max: 1, prepare: false, onnotice: () => {} });
  const name = `data_api_nfc_${randomUUID().slice(0, 8)}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const said: string[] = [];
  const client = postgres(target.toString(), { max: 1, prepare: false, onnotice: recorder(said) });
  return {
    db: postgresDatabase(client, 60_000),
    said,
    migrate: (folder) => migratePostgres(drizzlePostgres(client), { migrationsFolder: folder }),
    close: async () => {
      await client.end();
      await admin.unsafe(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

// PGlite hands notices only to a callback given with each query; drizzle gives none, so every query gets one here.
function hearing(client: Pick<PGlite, "query">, onNotice: (notice: { message?: string }) => void) {
  return { query: (...[query, params, options]: Parameters<PGlite["query"]>) => client.query(query, params, { ...options, onNotice }) };
}

async function scratchPglite(): Promise<Scratch> {
  const client = new PGlite();
  const said: string[] = [];
  const onNotice = recorder(said);
  const listening = {
    ...hearing(client, onNotice),
    transaction: (work: (tx: unknown) => Promise<unknown>) => client.transaction((tx) => work(hearing(tx, onNotice))),
  };
  return {
    db: pgliteDatabase(client),
    said,
    migrate: (folder) => migratePglite(drizzlePglite({ client: listening as unknown as PGlite }), { migrationsFolder: folder }),
    close: () => client.close(),
  };
}

// Names the old rule (trimmed, 1 to 100 code points, no control characters) let in; ids follow this order.
const STORED = [
  "Zo\u00e9",
  "Zoe\u0301", // 2: Zoé again, decomposed
  "Ame\u0301lie", // 3: decomposed, and the only Amélie
  "\u212b", // 4: the Ångström sign, Å in NFC
  "A\u030a", // 5: A and a combining ring, also Å in NFC
  "\u0958".repeat(60), // 6: 120 code points in NFC, too long for the column
  "\u200b\u200b",
  "\u00ad",
  "\u3164",
  "\u0301",
  "\u{e0041}\u{e007f}",
  "x\ufffd", // 12: what a lone surrogate became
  "a\u200bb",
  "plain",
];

interface Finding {
  id: number;
  codePoints: string;
  problem: string;
}

const FINDING = /^data row (\d+) '.*' \(([^)]*)\) (.*); left as it is$/su;

function findings(said: string[]): Finding[] {
  return said.flatMap((message) => {
    const match = FINDING.exec(message);
    return match ? [{ id: Number(match[1]), codePoints: match[2]!, problem: match[3]! }] : [];
  });
}

const idsWith = (found: Finding[], problem: string) => found.filter((finding) => finding.problem === problem).map(({ id }) => id);
const idsRefusedFor = (problem: NameProblem) =>
  STORED.flatMap((name, index) => {
    const reading = readName(name);
    return !reading.ok && reading.problems.includes(problem) ? [index + 1] : [];
  });

describe(`migration ${MIGRATION}, on rows stored under the old rules`, () => {
  let scratch: Scratch;
  let before: string;
  let found: Finding[];

  beforeAll(async () => {
    scratch = process.env.DATABASE_URL ? await scratchPostgres(process.env.DATABASE_URL) : await scratchPglite();
    before = await migrationsBefore(MIGRATION);
    await scratch.migrate(before);
    for (const name of STORED) await scratch.db.query(`insert into data (name) values ($1)`, [name]);
    scratch.said.length = 0;
    await scratch.migrate(migrationsFolder);
    found = findings(scratch.said);
  });
  afterAll(async () => {
    await scratch?.close();
    if (before) await rm(before, { recursive: true, force: true });
  });

  it("rewrites in NFC each name that takes no other row's, and leaves every other row exactly as it was", async () => {
    const expected = STORED.map((name, index) => ({ id: index + 1, name }));
    expected[2]!.name = "Am\u00e9lie";
    expected[3]!.name = "\u00c5";
    expect(await scratch.db.query(`select id, name from data order by id`)).toEqual(expected);
  });

  it("reports, by id and code point, a row whose NFC form another row holds", () => {
    expect(found.filter(({ problem }) => problem.includes("in NFC"))).toEqual([
      { id: 2, codePoints: "U+005A U+006F U+0065 U+0301", problem: "is the name of row 1 in NFC" },
      { id: 5, codePoints: "U+0041 U+030A", problem: "is the name of row 4 in NFC" },
      { id: 6, codePoints: Array(60).fill("U+0958").join(" "), problem: "is longer than 100 characters in NFC" },
    ]);
  });

  it("reports the names the API's rule now calls invisible, or damaged, and no others", () => {
    expect(idsWith(found, "has only invisible characters")).toEqual(idsRefusedFor("invisible"));
    expect(idsWith(found, "has only invisible characters")).toEqual([7, 8, 9, 10, 11]);
    expect(found.find(({ id }) => id === 11)?.codePoints).toBe("U+E0041 U+E007F");
    expect(idsWith(found, "contains U+FFFD, the mark of text damaged before it was stored")).toEqual(
      idsRefusedFor("replacement_character"),
    );
    expect(found.map(({ id }) => id)).not.toContain(13);
  });

  it("sums up what it did", () => {
    expect(scratch.said).toContain("data names: 2 rewritten in NFC, 9 left for review");
  });
});
