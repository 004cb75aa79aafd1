import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { APP_ROLE, setLoginPassword } from "../../src/db/app-role";
import { databaseConfigFromEnv } from "../../src/db/config";
import type { DatabaseHandle, Queryable } from "../../src/db/database";
import { sqlState } from "../../src/db/failure";
import { openDatabase } from "../../src/db/open";
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

const ROLLBACK = new Error("rollback");

/** Runs `work` as the application role inside a transaction that is always rolled back; returns what it threw. */
async function failureAsAppRole(work: (tx: Queryable) => Promise<unknown>): Promise<unknown> {
  try {
    await database.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL ROLE ${APP_ROLE}`);
      await work(tx);
      throw ROLLBACK;
    });
  } catch (error) {
    return error === ROLLBACK ? undefined : error;
  }
  throw new Error("the transaction committed");
}

describe("the application role made by the migrations", () => {
  it("reads, adds and deletes rows of data", async () => {
    const name = `role-${randomUUID()}`;
    const failure = await failureAsAppRole(async (tx) => {
      const [created] = await tx.query<{ id: number }>(`INSERT INTO data (name) VALUES ($1) RETURNING id`, [name]);
      expect(await tx.query(`SELECT name FROM data WHERE id = $1`, [created!.id])).toEqual([{ name }]);
      expect(await tx.query(`DELETE FROM data WHERE id = $1 RETURNING id`, [created!.id])).toHaveLength(1);
    });
    expect(failure).toBeUndefined();
  });

  it.each([
    ["update rows", `UPDATE data SET name = 'changed'`],
    ["empty the table", `TRUNCATE data`],
    ["change the schema", `ALTER TABLE data ADD COLUMN extra text`],
    ["read the migration journal", `SELECT * FROM drizzle.__drizzle_migrations`],
  ])("may not %s", async (_what, query) => {
    expect(sqlState(await failureAsAppRole((tx) => tx.query(query)))).toBe("42501");
  });
});

describe("setLoginPassword", () => {
  const role = `data_api_test_${randomUUID().slice(0, 8)}`;
  // A random lowercase name: written into the statements as it is.
  beforeAll(() => database.db.query(`CREATE ROLE ${role} NOLOGIN`));
  afterAll(() => database.db.query(`DROP ROLE ${role}`));

  const verifier = async () =>
    (await database.db.query<{ rolcanlogin: boolean; rolpassword: string }>(`SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = $1`, [role]))[0]!;

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
    expect(await database.db.query(`SELECT to_regclass('public.data') IS NOT NULL AS present`)).toEqual([{ present: true }]);
  });
});
