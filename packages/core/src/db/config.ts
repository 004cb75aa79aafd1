import { choice, envReader, flag, integer, optionalText, text } from "../env";

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
  /** How long a query may wait for a connection and an answer before it fails as unavailable. */
  queryTimeoutMs: number;
}

export interface PgliteConfig {
  driver: "pglite";
  /** Folder that persists the embedded database; in memory when undefined. */
  dataDir?: string;
}

export type DatabaseConfig = PostgresConfig | PgliteConfig;

const readDatabaseEnv = envReader("database settings", {
  DATABASE_URL: optionalText,
  DB_HOST: optionalText,
  DB_PORT: integer(1, 65535, 5432),
  DB_NAME: text("postgres"),
  DB_USER: text("postgres"),
  DB_IAM_AUTH: flag,
  AWS_REGION: optionalText,
  DATABASE_SSL: choice(["disable", "require", "verify-full"]),
  DATABASE_POOL_MAX: integer(1, 100, 10),
  DATABASE_CONNECT_TIMEOUT: integer(1, 60, 5),
  // Below the function's 10 s and API Gateway's 30 s, above the server's 4 s statement_timeout.
  DATABASE_QUERY_TIMEOUT: integer(100, 25_000, 5_000),
});

/**
 * Reads the database settings from the environment: DATABASE_URL or DB_HOST selects PostgreSQL,
 * otherwise the embedded PGlite under `pgliteDir` is used.
 */
export function databaseConfigFromEnv(
  env: Record<string, string | undefined>,
  pgliteDir?: string,
): DatabaseConfig {
  const settings = readDatabaseEnv(env);
  const { DATABASE_URL: url, DB_HOST: host, DB_IAM_AUTH: iamAuth } = settings;
  if (!url && !host) return { driver: "pglite", dataDir: pgliteDir };
  if (iamAuth && !host) {
    throw new Error("DB_IAM_AUTH needs DB_HOST, DB_PORT, DB_NAME and DB_USER rather than DATABASE_URL");
  }
  return {
    driver: "postgres",
    url,
    host,
    port: settings.DB_PORT,
    database: settings.DB_NAME,
    user: settings.DB_USER,
    iamAuth,
    region: settings.AWS_REGION,
    // IAM tokens are only accepted over TLS, so IAM implies a verified TLS connection unless told otherwise.
    ssl: settings.DATABASE_SSL ?? (iamAuth ? "verify-full" : "disable"),
    maxConnections: settings.DATABASE_POOL_MAX,
    connectTimeoutSeconds: settings.DATABASE_CONNECT_TIMEOUT,
    queryTimeoutMs: settings.DATABASE_QUERY_TIMEOUT,
  };
}
