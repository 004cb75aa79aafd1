import { choice, envReader, flag, integer, optionalText, text, type EnvOf } from "../env";

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

const DATABASE_SETTINGS = {
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
  // Lets tests, and a second checkout, run on an embedded database of their own.
  PGLITE_DIR: optionalText,
};
const readDatabaseEnv = envReader("database settings", DATABASE_SETTINGS);

/** A database behind RDS Proxy, as the stacks know it: where, and as whom (with an IAM token, so verified TLS). */
export interface ProxiedDatabase {
  host: string;
  port: number;
  database: string;
  user: string;
}

/**
 * The environment `databaseConfigFromEnv` reads a function's database from: the proxy, where the stage has one
 * (elsewhere DATABASE_URL comes from an SST secret), and the connections an execution environment keeps.
 */
export function databaseEnv({ proxy, poolMax }: { proxy?: ProxiedDatabase; poolMax: number }): EnvOf<typeof DATABASE_SETTINGS> {
  return {
    DATABASE_POOL_MAX: String(poolMax),
    ...(proxy && { DB_HOST: proxy.host, DB_PORT: String(proxy.port), DB_NAME: proxy.database, DB_USER: proxy.user, DB_IAM_AUTH: "true" }),
  };
}

/**
 * Reads the database settings from the environment: DATABASE_URL or DB_HOST selects PostgreSQL, otherwise the
 * embedded PGlite in PGLITE_DIR, else in `defaultPgliteDir` (in memory when neither is given).
 */
export function databaseConfigFromEnv(env: Record<string, string | undefined>, defaultPgliteDir?: string): DatabaseConfig {
  const settings = readDatabaseEnv(env);
  const { DATABASE_URL: url, DB_HOST: host, DB_IAM_AUTH: iamAuth } = settings;
  if (!url && !host) return { driver: "pglite", dataDir: settings.PGLITE_DIR ?? defaultPgliteDir };
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
