/**
 * What the `*.queries.ts` modules write their statements with: drizzle's query builder over the schema, with named
 * placeholders for what each request supplies. Build time only: `npm run db:statements` compiles them into the
 * `*.statements.ts` modules the code runs, and nothing a host loads imports this.
 */
import { getTableColumns, getTableName, sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import type { PgTable } from "drizzle-orm/pg-core";

/** A database with no connection: it builds statements, and runs none. */
export const builder = drizzle.mock();

export const placeholder = sql.placeholder;

/** What a `*.queries.ts` module exports as `queries`: each a query of `builder`, or a `sql` template. */
export type Queries = Record<string, { getSQL(): SQL } | SQL>;

/** Every column of `table`, each named in the rows as the schema names its field (`createdAt`, not `created_at`). */
export function fieldsOf<Table extends PgTable>(table: Table) {
  return Object.fromEntries(
    Object.entries(getTableColumns(table)).map(([field, column]) =>
      [field, field === column.name ? column : sql`${column}`.as(field)] as const,
    ),
  ) as unknown as Table["_"]["columns"];
}

// The lock modes that make a write (ROW EXCLUSIVE) wait; a waiting ACCESS EXCLUSIVE also queues every read.
const WRITE_BLOCKING_LOCKS = ["ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"];

/**
 * The statement db/unavailable.ts `databaseState` runs: in one statement that takes no lock itself, whether the
 * server is read-only (a failover, default_transaction_read_only), and whether `tables` hold a lock writes wait for.
 */
export function writeState(tables: PgTable[]): SQL {
  const relations = sql.join(tables.map((table) => sql`${getTableName(table)}::regclass`), sql`, `);
  const modes = sql.join(WRITE_BLOCKING_LOCKS.map((mode) => sql`${mode}`), sql`, `);
  return sql`select current_setting('transaction_read_only') = 'on' as read_only,
    exists (select 1 from pg_locks where relation in (${relations}) and mode in (${modes})) as locked`;
}
