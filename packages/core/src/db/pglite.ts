import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import type { PgliteConfig } from "./config";
import type { Database, DatabaseHandle } from "./database";

export async function openPglite(config: PgliteConfig): Promise<DatabaseHandle> {
  if (config.dataDir) await mkdir(config.dataDir, { recursive: true });
  const client = new PGlite(config.dataDir);
  await client.waitReady;
  const db = drizzle(client);
  return {
    db: db as unknown as Database,
    description: config.dataDir ? `embedded PGlite in ${config.dataDir}` : "embedded PGlite in memory",
    migrate: (migrationsFolder) => migrate(db, { migrationsFolder }),
    close: () => client.close(),
  };
}
