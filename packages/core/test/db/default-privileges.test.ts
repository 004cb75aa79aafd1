import { randomUUID } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_ROLE } from "../../src/db/app-role";
import { rowsOf, type Database } from "../../src/db/database";
import { openTestDatabase, type TestDatabase } from "../support/database";

// A table the next resource's migration would create, made by the migrations' role after every migration has run:
// what it may do there, the application role may do only through drizzle/0004_app_role_default_privileges.sql.
const TABLE = `scratch_resource_${randomUUID().slice(0, 8)}`;
const table = sql.identifier(TABLE);
const PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"] as const;

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
  await database.asOwner((owner) =>
    owner.execute(sql`create table ${table} (
      id integer primary key generated always as identity,
      position serial not null,
      label text not null
    )`),
  );
});
afterAll(async () => {
  await database?.asOwner((owner) => owner.execute(sql`drop table if exists ${table}`));
  await database?.close();
});

/** The SQLSTATE of a failed query, through drizzle's wrapping error. */
function sqlState(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

const heldOn = async (db: Database, relation: string) =>
  (
    await rowsOf<{ privilege: string }>(
      db,
      sql`select privilege from unnest(array[${sql.join(PRIVILEGES.map((p) => sql`${p}`), sql`, `)}]::text[]) as privilege
        where has_table_privilege(${APP_ROLE}::name, ${relation}::text, privilege) order by privilege`,
    )
  ).map(({ privilege }) => privilege);

describe("the tests' database handle", () => {
  it("runs the app as the application role, and the owner's statements as the owner", async () => {
    expect(await rowsOf(database.db, sql`select current_user as role`)).toEqual([{ role: APP_ROLE }]);
    const [owner] = await database.asOwner((db) => rowsOf<{ role: string }>(db, sql`select current_user as role`));
    expect(owner!.role).not.toBe(APP_ROLE);
    // PGlite's one session goes back to the application role after the owner's transaction.
    expect(await rowsOf(database.db, sql`select current_user as role`)).toEqual([{ role: APP_ROLE }]);
  });

  it("empties every table of the application and restarts its ids, and only those", async () => {
    await database.db.execute(sql`insert into data (name) values ('reset me')`);
    await database.db.execute(sql`insert into ${table} (label) values ('reset me')`);
    const [journal] = await database.asOwner((db) => rowsOf<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
    await database.reset();
    expect(await rowsOf(database.db, sql`select count(*)::int as n from data`)).toEqual([{ n: 0 }]);
    expect(await rowsOf(database.db, sql`select count(*)::int as n from ${table}`)).toEqual([{ n: 0 }]);
    expect(await rowsOf(database.db, sql`insert into ${table} (label) values ('first') returning id, position`)).toEqual([
      { id: 1, position: 1 },
    ]);
    expect(await database.asOwner((db) => rowsOf(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`))).toEqual([journal]);
    await database.reset();
  });
});

describe("what the application role gets on a table a later migration creates", () => {
  it("exactly what it has on data: read, add and delete rows", async () => {
    expect(await heldOn(database.db, TABLE)).toEqual(["DELETE", "INSERT", "SELECT"]);
    expect(await heldOn(database.db, "data")).toEqual(["DELETE", "INSERT", "SELECT"]);
  });

  it("reads, adds and deletes rows, drawing ids from an identity column and a serial one", async () => {
    const [row] = await rowsOf<{ id: number; position: number }>(
      database.db,
      sql`insert into ${table} (label) values ('new resource') returning id, position`,
    );
    expect(row).toEqual({ id: expect.any(Number), position: expect.any(Number) });
    expect(await rowsOf(database.db, sql`select label from ${table} where id = ${row!.id}`)).toEqual([{ label: "new resource" }]);
    expect(await rowsOf(database.db, sql`delete from ${table} where id = ${row!.id} returning id`)).toEqual([{ id: row!.id }]);
  });

  it("needs no sequence privilege for an identity column: data's sequence predates the default and has none", async () => {
    expect(await rowsOf(database.db, sql`select has_sequence_privilege('data_id_seq', 'USAGE') as usage`)).toEqual([{ usage: false }]);
    const [row] = await rowsOf<{ id: number }>(database.db, sql`insert into data (name) values ('identity') returning id`);
    await database.db.execute(sql`delete from data where id = ${row!.id}`);
  });

  it.each<[string, SQL]>([
    ["update rows (a resource that needs to grants UPDATE on its table in its migration)", sql`update ${table} set label = 'changed'`],
    ["update data", sql`update data set name = 'changed'`],
    ["empty the table", sql`truncate ${table}`],
    ["empty data", sql`truncate data`],
    ["change the table", sql`alter table ${table} add column extra text`],
    ["drop the table", sql`drop table ${table}`],
    ["drop data", sql`drop table data`],
    ["create a table", sql`create table ${sql.identifier(`${TABLE}_own`)} (id integer)`],
    ["read a sequence directly", sql`select last_value from ${sql.identifier(`${TABLE}_position_seq`)}`],
  ])("may not %s", async (_what, statement) => {
    expect(sqlState(await failure(() => database.db.execute(statement)))).toBe("42501");
  });
});
