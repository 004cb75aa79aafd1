import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { APP_ROLE, setLoginPassword } from "../../src/db/app-role";
import { databaseConfigFromEnv } from "../../src/db/config";
import type { Database, DatabaseHandle } from "../../src/db/database";
import { openDatabase } from "../../src/db/open";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scramMatches } from "../scram";

const MIGRATIONS = fileURLToPath(new URL("../../../../drizzle", import.meta.url));

let database: DatabaseHandle;
beforeAll(async () => {
  // PGlite in memory, or the PostgreSQL of DATABASE_URL (CI runs both).
  database = await openDatabase(databaseConfigFromEnv(process.env));
  await database.migrate(MIGRATIONS);
});
afterAll(() => database.close());

/** The SQLSTATE of a failed query, through drizzle's wrapping error. */
function sqlState(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

const ROLLBACK = new Error("rollback");

/** Runs `work` as the application role inside a transaction that is always rolled back; returns what it threw. */
async function failureAsAppRole(work: (tx: Database) => Promise<unknown>): Promise<unknown> {
  try {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql.raw(`SET LOCAL ROLE ${APP_ROLE}`));
      await work(tx as unknown as Database);
      throw ROLLBACK;
    });
  } catch (error) {
    return error === ROLLBACK ? undefined : error;
  }
  throw new Error("the transaction committed");
}

async function rows<T>(db: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

describe("the application role made by the migrations", () => {
  it("reads, adds and deletes rows of data", async () => {
    const name = `role-${randomUUID()}`;
    const failure = await failureAsAppRole(async (tx) => {
      const [created] = await rows<{ id: number }>(tx, sql`INSERT INTO data (name) VALUES (${name}) RETURNING id`);
      expect(await rows(tx, sql`SELECT name FROM data WHERE id = ${created!.id}`)).toEqual([{ name }]);
      expect(await rows(tx, sql`DELETE FROM data WHERE id = ${created!.id} RETURNING id`)).toHaveLength(1);
    });
    expect(failure).toBeUndefined();
  });

  it.each([
    ["update rows", sql`UPDATE data SET name = 'changed'`],
    ["empty the table", sql`TRUNCATE data`],
    ["change the schema", sql`ALTER TABLE data ADD COLUMN extra text`],
    ["read the migration journal", sql`SELECT * FROM drizzle.__drizzle_migrations`],
  ])("may not %s", async (_what, query) => {
    expect(sqlState(await failureAsAppRole((tx) => tx.execute(query)))).toBe("42501");
  });
});

describe("setLoginPassword", () => {
  const role = `data_api_test_${randomUUID().slice(0, 8)}`;
  beforeAll(() => database.db.execute(sql`CREATE ROLE ${sql.identifier(role)} NOLOGIN`));
  afterAll(() => database.db.execute(sql`DROP ROLE ${sql.identifier(role)}`));

  const verifier = async () =>
    (await rows<{ rolcanlogin: boolean; rolpassword: string }>(
      database.db,
      sql`SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = ${role}`,
    ))[0]!;

  it.each([
    ["a generated password", "Zq8vN2pL5wX0rT7kJ3mB9cF4hG6dS1aE"],
    ["quotes and backslashes", String.raw`it's a \' back\slash`],
    ["an attempted injection", "x'; DROP TABLE data; --"],
  ])("lets the role log in with %s, exactly", async (_what, password) => {
    await setLoginPassword(database.db, role, password);
    const { rolcanlogin, rolpassword } = await verifier();
    expect(rolcanlogin).toBe(true);
    expect(scramMatches(rolpassword, password)).toBe(true);
    expect(scramMatches(rolpassword, `${password}x`)).toBe(false);
    expect(await rows(database.db, sql`SELECT to_regclass('public.data') IS NOT NULL AS present`)).toEqual([{ present: true }]);
  });
});
