import { PGlite, type Transaction } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import type { PgliteConfig } from "./config";
import type { Database, DatabaseHandle, Queryable } from "./database";
import { errnoReason, lockFolder, PgliteFolderError, prepareFolder, type FolderLock } from "./pglite-folder";
import { failedStatement, withCoreFailures } from "./unavailable";

/** PGlite's own file errors are Emscripten's `ErrnoError { errno }`, without a message. */
function pgliteReason(error: unknown): string {
  if (error instanceof Error && error.message) return errnoReason(error);
  const errno = (error as { errno?: unknown } | undefined)?.errno;
  return errno === undefined ? String(error) : `file system error (errno ${String(errno)})`;
}

const queryable = (pg: PGlite | Transaction): Queryable => ({
  async query<Row extends object>(text: string, params: readonly unknown[] = []) {
    try {
      return (await pg.query<Row>(text, params as unknown[])).rows;
    } catch (error) {
      throw failedStatement(text, error);
    }
  },
});

/** `client` as core uses it. */
export function pgliteDatabase(client: PGlite): Database {
  return {
    ...queryable(client),
    transaction: (work) => withCoreFailures(client.transaction((tx) => work(queryable(tx)))),
  };
}

export async function openPglite(config: PgliteConfig): Promise<DatabaseHandle> {
  let lock: FolderLock | undefined;
  if (config.dataDir) {
    // Checked before PGlite sees the folder: PGlite hangs on some unusable paths and dies with a bare ErrnoError
    // on others, and two processes on one folder silently lose each other's writes.
    prepareFolder(config.dataDir);
    lock = lockFolder(config.dataDir);
  }
  let client: PGlite;
  try {
    client = new PGlite(config.dataDir);
    await client.waitReady;
  } catch (error) {
    lock?.release();
    if (!config.dataDir) throw error;
    throw new PgliteFolderError(config.dataDir, `cannot open the database: ${pgliteReason(error)}`, { cause: error });
  }
  return {
    db: pgliteDatabase(client),
    description: config.dataDir ? `embedded PGlite in ${config.dataDir}` : "embedded PGlite in memory",
    migrate: (migrationsFolder) => migrate(drizzle(client), { migrationsFolder }),
    close: async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}
