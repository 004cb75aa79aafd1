import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseConfigFromEnv } from "../../src/db/config";
import type { DatabaseHandle } from "../../src/db/database";
import { openDatabase } from "../../src/db/open";
import { migrationsFolder } from "../support/database";
import { migrationsBefore } from "../support/migrations";

const MIGRATION = "0005_created_by";

describe(`migration ${MIGRATION}, on a table with rows`, () => {
  let database: DatabaseHandle;
  let before: string;
  let dropScratch = async () => {};

  beforeAll(async () => {
    const url = process.env.DATABASE_URL;
    if (url) {
      // A database of its own: the shared one has every migration already.
      const admin = postgres(url, { max: 1, prepare: false, onnotice: () => {} });
      const name = `data_api_created_by_${randomUUID().slice(0, 8)}`;
      await admin.unsafe(`CREATE DATABASE ${name}`);
      dropScratch = async () => {
        await admin.unsafe(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin.end();
      };
      const target = new URL(url);
      target.pathname = `/${name}`;
      database = await openDatabase(databaseConfigFromEnv({ DATABASE_URL: target.toString(), DATABASE_POOL_MAX: "1" }));
    } else {
      database = await openDatabase(databaseConfigFromEnv({}));
    }
    before = await migrationsBefore(MIGRATION);
    await database.migrate(before);
    await database.db.query(`insert into data (name) values ('older'), ('oldest')`);
    await database.migrate(migrationsFolder);
  });
  afterAll(async () => {
    await database?.close();
    await dropScratch();
    if (before) await rm(before, { recursive: true, force: true });
  });

  it("adds created_by, and leaves it null on the rows it found: nobody knows who made them", async () => {
    expect(await database.db.query(`select name, created_by from data order by id`)).toEqual([
      { name: "older", created_by: null },
      { name: "oldest", created_by: null },
    ]);
  });

  it("lets the API's role write it", async () => {
    await database.db.query(`set role data_api`);
    try {
      await database.db.query(`insert into data (name, created_by) values ('newer', 'sub-1')`);
      expect(await database.db.query(`select created_by from data where name = 'newer'`)).toEqual([{ created_by: "sub-1" }]);
    } finally {
      await database.db.query(`reset role`);
    }
  });
});
