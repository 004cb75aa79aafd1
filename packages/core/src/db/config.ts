import { EnvReader } from "../env";

export type Ssl = "disable" | "require" | "verify-full";

export interface PostgresConfig {
  driver: "postgres";
  /** A connection URL (local, CI, PgBouncer) ... */
  url?: string;
  /** ... or discrete settings (Lambda behind RDS Proxy, where the password is an IAM token). */
  host?: string;
  port: number;
  database: string;
  user: string;
  /** Sign a short-lived RDS IAM token for every new connection instead of using a password. */
  iamAuth: boolean;
  region?: string;
  ssl: Ssl;
  maxConnections: number;
  connectTimeoutSeconds: number;
}

export interface PgliteConfig {
  driver: "pglite";
  /** Folder that persists the embedded database; in memory when undefined. */
  dataDir?: string;
}

export type DatabaseConfig = PostgresConfig | PgliteConfig;

/**
 * Reads the database settings from the environment: DATABASE_URL or DB_HOST selects PostgreSQL,
 * otherwise the embedded PGlite under `pgliteDir` is used.
 */
export function databaseConfigFromEnv(
  env: Record<string, string | undefined>,
  pgliteDir?: string,
): DatabaseConfig {
  const read = new EnvReader(env);
  const url = read.text("DATABASE_URL", "");
  const host = read.text("DB_HOST", "");
  const iamAuth = read.flag("DB_IAM_AUTH");
  const config = {
    port: read.integer("DB_PORT", 1, 65535, 5432),
    database: read.text("DB_NAME", "postgres"),
    user: read.text("DB_USER", "postgres"),
    region: read.text("AWS_REGION", "") || undefined,
    // IAM tokens are only accepted over TLS, so IAM implies a verified TLS connection unless told otherwise.
    ssl: read.choice("DATABASE_SSL", ["disable", "require", "verify-full"]) ?? (iamAuth ? "verify-full" : "disable"),
    maxConnections: read.integer("DATABASE_POOL_MAX", 1, 100, 10),
    connectTimeoutSeconds: read.integer("DATABASE_CONNECT_TIMEOUT", 1, 60, 5),
  };
  read.check("database settings");
  if (!url && !host) return { driver: "pglite", dataDir: pgliteDir };
  if (iamAuth && !host) {
    throw new Error("DB_IAM_AUTH needs DB_HOST, DB_PORT, DB_NAME and DB_USER rather than DATABASE_URL");
  }
  return { driver: "postgres", url: url || undefined, host: host || undefined, iamAuth, ...config };
}
