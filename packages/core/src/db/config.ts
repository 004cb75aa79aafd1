import * as z from "zod/mini";

const text = (fallback: string) => z._default(z.string().check(z.trim()), fallback);
const integer = (min: number, max: number, fallback: number) =>
  z._default(z.pipe(z.coerce.number(), z.int().check(z.minimum(min), z.maximum(max))), fallback);

const Flag = z.pipe(
  z._default(z.enum(["true", "false", "1", "0", ""]), ""),
  z.transform((value) => value === "true" || value === "1"),
);

const Env = z.object({
  DATABASE_URL: text(""),
  DB_HOST: text(""),
  DB_PORT: integer(1, 65535, 5432),
  DB_NAME: z._default(z.string(), "postgres"),
  DB_USER: z._default(z.string(), "postgres"),
  DB_IAM_AUTH: Flag,
  DATABASE_SSL: z._default(z.enum(["disable", "require", "verify-full", ""]), ""),
  DATABASE_POOL_MAX: integer(1, 100, 10),
  DATABASE_CONNECT_TIMEOUT: integer(1, 60, 5),
  AWS_REGION: z.optional(z.string()),
});

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
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid database settings: ${problems.join("; ")}`);
  }
  const settings = parsed.data;
  if (!settings.DATABASE_URL && !settings.DB_HOST) return { driver: "pglite", dataDir: pgliteDir };
  if (settings.DB_IAM_AUTH && !settings.DB_HOST) {
    throw new Error("DB_IAM_AUTH needs DB_HOST, DB_PORT, DB_NAME and DB_USER rather than DATABASE_URL");
  }
  return {
    driver: "postgres",
    url: settings.DATABASE_URL || undefined,
    host: settings.DB_HOST || undefined,
    port: settings.DB_PORT,
    database: settings.DB_NAME,
    user: settings.DB_USER,
    iamAuth: settings.DB_IAM_AUTH,
    region: settings.AWS_REGION,
    // IAM tokens are only accepted over TLS, so IAM implies a verified TLS connection unless told otherwise.
    ssl: settings.DATABASE_SSL || (settings.DB_IAM_AUTH ? "verify-full" : "disable"),
    maxConnections: settings.DATABASE_POOL_MAX,
    connectTimeoutSeconds: settings.DATABASE_CONNECT_TIMEOUT,
  };
}
