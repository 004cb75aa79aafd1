import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";

/** What core needs from a database, whichever driver (PGlite or postgres.js) is behind it. */
export type Database = PgDatabase<PgQueryResultHKT>;

export interface DatabaseHandle {
  db: Database;
  /** Human-readable description for start-up logs; never contains a password. */
  description: string;
  migrate(migrationsFolder: string): Promise<void>;
  close(): Promise<void>;
}

/** The rows of a raw statement: postgres.js answers with an array of them, PGlite with `{ rows }`. */
export async function rowsOf<Row extends Record<string, unknown>>(db: Database, statement: SQL): Promise<Row[]> {
  const result: unknown = await db.execute<Row>(statement);
  return Array.isArray(result) ? result : (result as { rows: Row[] }).rows;
}
