import postgres from "postgres";
import { credentialsFromEnv } from "./aws-credentials";
import type { PostgresConfig } from "./config";
import type { Connection, Database, DatabaseHandle, Queryable } from "./database";
import { QueryDeadline } from "./query-deadline";
import { failedStatement, withCoreFailures } from "./unavailable";

export function iamTokenSigner(config: PostgresConfig) {
  const { host, port, user, region } = config;
  if (!host || !region) throw new Error("IAM authentication needs DB_HOST and AWS_REGION");
  // Called for every new connection: a token lasts 15 minutes, a connection much longer. The signer is loaded the
  // first time: a function that signs nothing (a developer's database) never evaluates it at its cold start.
  return async () => {
    const { rdsAuthToken } = await import("./rds-token");
    return rdsAuthToken({ hostname: host, port, username: user, region, credentials: credentialsFromEnv(process.env) });
  };
}

/** The postgres.js options of `config`; exported for the benchmarks, whose floors must use the same. */
export function connectionOptions(config: PostgresConfig): postgres.Options<Record<string, never>> {
  return {
    // RDS Proxy and PgBouncer in transaction mode hand each transaction to any server connection,
    // where a named prepared statement from an earlier transaction does not exist.
    prepare: false,
    max: config.maxConnections,
    connect_timeout: config.connectTimeoutSeconds,
    idle_timeout: 60,
    ssl: config.ssl === "disable" ? false : config.ssl,
    connection: { application_name: "data-api" },
    onnotice: () => {},
    ...(config.url
      ? {}
      : { host: config.host, port: config.port, database: config.database, username: config.user }),
    ...(config.iamAuth ? { password: iamTokenSigner(config) } : {}),
  };
}

function describe(config: PostgresConfig): string {
  if (!config.url) return `PostgreSQL at ${config.host}:${config.port}/${config.database}`;
  const url = new URL(config.url);
  return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/** Statements on `sql`, each answered by `deadline`. */
const queryable = (sql: postgres.Sql | postgres.TransactionSql, deadline: QueryDeadline): Queryable => ({
  async query<Row extends object>(text: string, params: readonly unknown[] = []) {
    try {
      return await deadline.answered(sql.unsafe<Row[]>(text, params as postgres.ParameterOrJSON<never>[]));
    } catch (error) {
      throw failedStatement(text, error);
    }
  },
});

/** `client` as core uses it; every query and transaction answered within `timeoutMs`. */
export function postgresDatabase(client: postgres.Sql, timeoutMs: number): Database {
  const deadline = new QueryDeadline(timeoutMs);
  return {
    ...queryable(client, deadline),
    transaction: (work) => withCoreFailures(deadline.transaction(client, (tx) => work(queryable(tx, deadline)))),
  };
}

const connect = (config: PostgresConfig, overrides: postgres.Options<Record<string, never>> = {}) => {
  const options = { ...connectionOptions(config), ...overrides };
  return config.url ? postgres(config.url, options) : postgres(options);
};

/** PostgreSQL to serve requests from: what the API's function opens, with nothing of drizzle's. */
export function connectPostgres(config: PostgresConfig): Connection {
  const client = connect(config);
  return {
    db: postgresDatabase(client, config.queryTimeoutMs),
    description: describe(config),
    close: () => client.end({ timeout: 5 }),
  };
}

/** PostgreSQL to serve requests from and to migrate with drizzle's migrator. */
export function openPostgres(config: PostgresConfig): DatabaseHandle {
  return {
    ...connectPostgres(config),
    // On a connection of its own: unbounded (a migration may take longer than any request should), and printing
    // what the migrations report with RAISE WARNING or NOTICE (drizzle/0003_nfc_names.sql lists rows to review).
    // drizzle is loaded only to migrate, so that a host serving requests need not keep it (host/migrate-apart.ts).
    migrate: async (migrationsFolder) => {
      const [{ drizzle }, { migrate }] = await Promise.all([import("drizzle-orm/postgres-js"), import("drizzle-orm/postgres-js/migrator")]);
      const migrator = connect(config, { max: 1, onnotice: (notice) => console.warn(`migration ${notice.severity}: ${notice.message}`) });
      try {
        await migrate(drizzle(migrator), { migrationsFolder });
      } finally {
        await migrator.end({ timeout: 5 });
      }
    },
  };
}
