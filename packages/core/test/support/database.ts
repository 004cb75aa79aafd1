import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { databaseConfigFromEnv } from "../../src/db/config";
import type { DatabaseHandle } from "../../src/db/database";
import { openDatabase } from "../../src/db/open";

export const migrationsFolder = fileURLToPath(new URL("../../../../drizzle", import.meta.url));

export interface TestDatabase extends DatabaseHandle {
  /** Empties the table and restarts ids at 1, so each test sees a known state. */
  reset(): Promise<void>;
}

/** The database the tests run on: PostgreSQL when DATABASE_URL is set, otherwise PGlite in memory. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const handle = await openDatabase(databaseConfigFromEnv({ DATABASE_URL: process.env.DATABASE_URL }));
  await handle.migrate(migrationsFolder);
  return {
    ...handle,
    reset: async () => {
      await handle.db.execute(sql`truncate table data restart identity`);
    },
  };
}
