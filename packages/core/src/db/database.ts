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
