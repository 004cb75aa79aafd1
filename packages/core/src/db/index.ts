/**
 * What the hosts need of PostgreSQL: find it from the environment, wait for it, tell its failures from bugs, and
 * the settings the stacks hand over. The embedded PGlite has its own entry (`@data-api/core/db/local`), so that
 * nothing the Lambda functions import reaches it.
 */
import { readBoundSecret, DATABASE_URL_SECRET } from "./bound-secret";
import { databaseConfigFromEnv, type PostgresConfig } from "./config";

export { APP_ROLE, setLoginPassword } from "./app-role";
export { DATABASE_URL_SECRET, readBoundSecret } from "./bound-secret";
export { databaseConfigFromEnv, databaseEnv, type DatabaseConfig, type PostgresConfig, type ProxiedDatabase } from "./config";
export type { Connection, Database, DatabaseHandle, Queryable } from "./database";
export { isDatabaseFailure } from "./failure";
export { connectPostgres, openPostgres } from "./postgres";
export { waitForDatabase } from "./unavailable";

/**
 * PostgreSQL as a function's environment describes it: DB_HOST (the proxy, with IAM tokens) or DATABASE_URL, the
 * latter possibly in the bound SST secret of a stage without a database of its own. Throws when neither is there.
 */
export async function postgresConfigFromEnv(env: Record<string, string | undefined>, overrides: Partial<PostgresConfig> = {}): Promise<PostgresConfig> {
  const secretUrl = await readBoundSecret(DATABASE_URL_SECRET, env);
  const config = databaseConfigFromEnv(secretUrl ? { ...env, DATABASE_URL: secretUrl } : env);
  if (config.driver !== "postgres") throw new Error("A function needs DB_HOST or DATABASE_URL to reach its database");
  return { ...config, ...overrides };
}
