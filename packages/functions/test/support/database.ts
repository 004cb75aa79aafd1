import { databaseConfigFromEnv } from "@data-api/core/db/config";
import type { DatabaseHandle } from "@data-api/core/db/database";
import { openDatabase } from "@data-api/core/db/open";
import { sql } from "drizzle-orm";
import { paths } from "../../src/paths";

export interface TestDatabase extends DatabaseHandle {
  /** Empties the data table and restarts its ids at 1. */
  reset(): Promise<void>;
}

/** A migrated database for tests: PGlite in memory, or the PostgreSQL named by DATABASE_URL. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const database = await openDatabase(databaseConfigFromEnv(process.env));
  await database.migrate(paths.migrations);
  return {
    ...database,
    reset: async () => {
      await database.db.execute(sql`truncate table data restart identity`);
    },
  };
}
