import { databaseConfigFromEnv } from "@data-api/core/db/config";
import { openPostgres } from "@data-api/core/db/postgres";

/** Invoked by the deploy's Script before traffic moves; throwing fails the deploy. */
export async function handler(): Promise<{ migrated: true }> {
  const config = databaseConfigFromEnv(process.env);
  if (config.driver !== "postgres") throw new Error("The migration function needs DB_HOST or DATABASE_URL");
  const database = openPostgres({ ...config, maxConnections: 1 });
  try {
    // Bundled beside the handler by the stack's copyFiles.
    await database.migrate(process.env.MIGRATIONS_DIR ?? "drizzle");
    return { migrated: true };
  } finally {
    await database.close();
  }
}
