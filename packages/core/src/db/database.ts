/**
 * What core needs of PostgreSQL, whichever driver is behind it (postgres.js, PGlite): statements with parameters
 * and transactions. The statements come compiled from drizzle's query builder (`npm run db:statements`), so that
 * no host evaluates drizzle to answer a request: it was a third of the API function's cold start.
 */

/** Something that runs statements: the database, or a transaction of it. */
export interface Queryable {
  /**
   * The rows `text` answers, with `params` as $1, $2, …; a failed statement rejects with a QueryError, inside a
   * DatabaseUnavailableError when the database could not be reached (db/unavailable.ts, asUnavailable).
   */
  query<Row extends object>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface Database extends Queryable {
  /** Runs `work` in a transaction, committed when it resolves and rolled back when it throws; failures as `query`'s. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
}

/** A statement and the names of its parameters in order ($1, $2, …), as `npm run db:statements` compiles them. */
export interface Statement {
  readonly text: string;
  readonly params: readonly string[];
}

/** The rows `statement` answers, each of its parameters taken by name from `values`. */
export function run<Row extends object = Record<string, unknown>>(db: Queryable, statement: Statement, values: Record<string, unknown> = {}): Promise<Row[]> {
  const params: unknown[] = [];
  for (const name of statement.params) {
    // null is a value (SQL NULL); a name with no value at all is a mistake, which no database error would name.
    if (values[name] === undefined) throw new Error(`No value for the parameter "${name}" of: ${statement.text}`);
    params.push(values[name]);
  }
  return db.query<Row>(statement.text, params);
}

/**
 * A statement the database refused or could not run; the driver's error (its SQLSTATE, or the socket's code) is the
 * cause. The message names the statement, never its parameters: they hold what clients sent.
 */
export class QueryError extends Error {
  constructor(text: string, options: { cause: unknown }) {
    super(`Query failed: ${text}`, options);
    this.name = "QueryError";
  }
}

/** A database a host serves requests from. */
export interface Connection {
  db: Database;
  /** Human-readable description for start-up logs; never contains a password. */
  description: string;
  close(): Promise<void>;
}

/** A database a host also migrates (npm start, the deploy's migration function, tests). */
export interface DatabaseHandle extends Connection {
  migrate(migrationsFolder: string): Promise<void>;
}
