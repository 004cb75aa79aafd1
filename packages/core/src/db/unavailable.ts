import { setTimeout as sleep } from "node:timers/promises";
import { DatabaseUnavailableError } from "../error";
import { causes } from "./causes";
import { QueryError, run, type Queryable, type Statement } from "./database";
import { QUERY_DEADLINE } from "./query-deadline";

// Network failures seen from postgres.js and Node's sockets.
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  QUERY_DEADLINE,
]);

// SQLSTATEs that mean "the server cannot serve you now", not "your query is wrong": class 08 connection
// exceptions; class 53, out of resources (disk, memory, connections); a read-only transaction (25006: a
// failover, or default_transaction_read_only); the statement or lock timeout (57014, 55P03); a deadlock or
// serialization failure (40P01, 40001), which a retry resolves; admin or crash shutdown, cannot connect now.
const UNAVAILABLE_SQLSTATES = /^(08...|53...|25006|57014|55P03|40001|40P01|57P01|57P02|57P03)$/;

function isUnavailable(error: unknown): boolean {
  for (const { code } of causes(error)) {
    if (typeof code === "string" && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code))) return true;
  }
  return false;
}

/**
 * `error` as core sees a database failure: "cannot reach the database" as a DatabaseUnavailableError, anything else
 * as it is. The ports (postgres.ts, pglite.ts) reject with it, so that no caller wraps each call to find out.
 */
export function asUnavailable(error: unknown): unknown {
  return !(error instanceof DatabaseUnavailableError) && isUnavailable(error) ? new DatabaseUnavailableError({ cause: error }) : error;
}

/** A port's transaction as it resolves, or failing as core sees a failure (asUnavailable). */
export async function withCoreFailures<T>(transaction: Promise<T>): Promise<T> {
  try {
    return await transaction;
  } catch (error) {
    throw asUnavailable(error);
  }
}

/**
 * How a port fails a statement: a QueryError naming it, itself inside a DatabaseUnavailableError for an outage.
 * Made in the async function its caller awaits, so that the stack names the caller (data.ts), not the driver.
 */
export const failedStatement = (text: string, error: unknown) => asUnavailable(new QueryError(text, { cause: error }));

/** Fails with DatabaseUnavailableError when the database does not answer within `timeoutMs`. */
export async function withDeadline<T>(call: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DatabaseUnavailableError({ cause: new Error(`no answer in ${timeoutMs} ms`) })),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([call(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const answer = (db: Queryable) => db.query("select 1");

/** Whether the database would serve writes to the tables now, as far as one quick look can tell. */
export type DatabaseState = "ok" | "read-only" | "locked";

/**
 * Looks at what would stall a request, with `writeState` (db/queries.ts) compiled for some tables: a read-only
 * server, or a lock on them that writes would wait for. Fails with DatabaseUnavailableError when the database does
 * not answer within `timeoutMs`.
 */
export async function databaseState(db: Queryable, writeState: Statement, timeoutMs: number): Promise<DatabaseState> {
  const [state] = await withDeadline(() => run<{ read_only: boolean; locked: boolean }>(db, writeState), timeoutMs);
  if (state!.read_only) return "read-only";
  return state!.locked ? "locked" : "ok";
}

/**
 * Resolves once the database answers `select 1`, retrying while it is unavailable: an RDS Proxy created in the same
 * deploy accepts connections a few minutes after CloudFormation reports it. Gives up after `timeoutMs`.
 */
export async function waitForDatabase(db: Queryable, timeoutMs: number, intervalMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await answer(db);
      return;
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError) || Date.now() + intervalMs > deadline) throw error;
    }
    await sleep(intervalMs);
  }
}
