import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_ROLE } from "../../src/db/app-role";
import type { Queryable } from "../../src/db/database";
import { sqlState } from "../../src/db/failure";
import { openTestDatabase, type TestDatabase } from "../support/database";

// A table the next resource's migration would create, made by the migrations' role after every migration has run:
// what it may do there, the application role may do only through drizzle/0004_app_role_default_privileges.sql.
const TABLE = `scratch_resource_${randomUUID().slice(0, 8)}`;
// A random lowercase name: written into the statements as it is.
const table = TABLE;
const PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"] as const;

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
  await database.asOwner((owner) =>
    owner.query(`create table ${table} (
      id integer primary key generated always as identity,
      position serial not null,
      label text not null
    )`),
  );
});
afterAll(async () => {
  await database?.asOwner((owner) => owner.query(`drop table if exists ${table}`));
  await database?.close();
});

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

const heldOn = async (db: Queryable, relation: string) =>
  (
    await db.query<{ privilege: string }>(
      `select privilege from unnest($1::text[]) as privilege where has_table_privilege($2::name, $3::text, privilege) order by privilege`,
      [PRIVILEGES, APP_ROLE, relation],
    )
  ).map(({ privilege }) => privilege);

describe("the tests' database handle", () => {
  it("runs the app as the application role, and the owner's statements as the owner", async () => {
    expect(await database.db.query(`select current_user as role`)).toEqual([{ role: APP_ROLE }]);
    const [owner] = await database.asOwner((db) => db.query<{ role: string }>(`select current_user as role`));
    expect(owner!.role).not.toBe(APP_ROLE);
    // PGlite's one session goes back to the application role after the owner's transaction.
    expect(await database.db.query(`select current_user as role`)).toEqual([{ role: APP_ROLE }]);
  });

  it("empties every table of the application and restarts its ids, and only those", async () => {
    await database.db.query(`insert into data (name) values ('reset me')`);
    await database.db.query(`insert into ${table} (label) values ('reset me')`);
    const [journal] = await database.asOwner((db) => db.query<{ n: number }>(`select count(*)::int as n from drizzle.__drizzle_migrations`));
    await database.reset();
    expect(await database.db.query(`select count(*)::int as n from data`)).toEqual([{ n: 0 }]);
    expect(await database.db.query(`select count(*)::int as n from ${table}`)).toEqual([{ n: 0 }]);
    expect(await database.db.query(`insert into ${table} (label) values ('first') returning id, position`)).toEqual([
      { id: 1, position: 1 },
    ]);
    expect(await database.asOwner((db) => db.query(`select count(*)::int as n from drizzle.__drizzle_migrations`))).toEqual([journal]);
    await database.reset();
  });
});

describe("what the application role gets on a table a later migration creates", () => {
  it("exactly what it has on data: read, add and delete rows", async () => {
    expect(await heldOn(database.db, TABLE)).toEqual(["DELETE", "INSERT", "SELECT"]);
    expect(await heldOn(database.db, "data")).toEqual(["DELETE", "INSERT", "SELECT"]);
  });

  it("reads, adds and deletes rows, drawing ids from an identity column and a serial one", async () => {
    const [row] = await database.db.query<{ id: number; position: number }>(`insert into ${table} (label) values ('new resource') returning id, position`);
    expect(row).toEqual({ id: expect.any(Number), position: expect.any(Number) });
    expect(await database.db.query(`select label from ${table} where id = $1`, [row!.id])).toEqual([{ label: "new resource" }]);
    expect(await database.db.query(`delete from ${table} where id = $1 returning id`, [row!.id])).toEqual([{ id: row!.id }]);
  });

  it("needs no sequence privilege for an identity column: data's sequence predates the default and has none", async () => {
    expect(await database.db.query(`select has_sequence_privilege('data_id_seq', 'USAGE') as usage`)).toEqual([{ usage: false }]);
    const [row] = await database.db.query<{ id: number }>(`insert into data (name) values ('identity') returning id`);
    await database.db.query(`delete from data where id = $1`, [row!.id]);
  });

  it.each<[string, string]>([
    ["update rows (a resource that needs to grants UPDATE on its table in its migration)", `update ${table} set label = 'changed'`],
    ["update data", `update data set name = 'changed'`],
    ["empty the table", `truncate ${table}`],
    ["empty data", `truncate data`],
    ["change the table", `alter table ${table} add column extra text`],
    ["drop the table", `drop table ${table}`],
    ["drop data", `drop table data`],
    ["create a table", `create table ${TABLE}_own (id integer)`],
    ["read a sequence directly", `select last_value from ${TABLE}_position_seq`],
  ])("may not %s", async (_what, statement) => {
    expect(sqlState(await failure(() => database.db.query(statement)))).toBe("42501");
  });
});
