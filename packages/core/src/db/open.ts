import type { DatabaseConfig } from "./config";
import type { DatabaseHandle } from "./database";
import { openPostgres } from "./postgres";

/** Opens either driver. Hosts that only ever use PostgreSQL (Lambda) import openPostgres directly to keep PGlite out of their bundle. */
export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  if (config.driver === "postgres") return openPostgres(config);
  const { openPglite } = await import("./pglite");
  return openPglite(config);
}
