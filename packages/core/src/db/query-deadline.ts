import type { PendingQuery, Row, Sql, TransactionSql } from "postgres";
import { causes } from "./causes";

/** The code of the error a query gets when the database has not answered it in time. */
export const QUERY_DEADLINE = "QUERY_DEADLINE";

const deadlineError = (timeoutMs: number) =>
  Object.assign(new Error(`the database did not answer within ${timeoutMs} ms`), { code: QUERY_DEADLINE });

/**
 * Every query gets `timeoutMs` to be answered, waiting for a connection included; then it fails with
 * QUERY_DEADLINE. It is also cancelled: postgres.js drops a query still queued for a connection, so a write that was
 * answered 503 cannot run later, and asks the server to stop one it runs. The server's own timeouts
 * (drizzle/0002_app_role_timeouts.sql) end a slow or blocked statement first; this deadline is for a server that
 * answers nothing at all, or a pool with no connection to give. A transaction gets it as a whole, as well as each
 * of its queries.
 */
export function answeredWithin<T extends readonly Row[]>(query: PendingQuery<T>, timeoutMs: number): Promise<T> {
  return within(query, timeoutMs, () => {
    Promise.resolve(query.cancel()).catch(() => {});
  });
}

// postgres.js's codes for a connection that has gone, and the socket's own.
const CONNECTION_GONE = new Set(["CONNECTION_CLOSED", "CONNECTION_DESTROYED", "CONNECTION_ENDED", "ECONNRESET", "EPIPE"]);

/** Whether `error` (or a cause of it) says the transaction's connection is gone: the server ended the session (FATAL), or the socket closed. */
function connectionLost(error: unknown): boolean {
  for (const { code, severity } of causes(error)) {
    if (severity === "FATAL" || severity === "PANIC" || (typeof code === "string" && CONNECTION_GONE.has(code))) return true;
  }
  return false;
}

/**
 * `sql.begin(work)` answered within `timeoutMs`, the wait for a connection included. Once the deadline has passed,
 * the work rolls back instead of committing (or is not started): its caller was told it failed.
 */
export function transactionWithin<T>(sql: Sql, work: (tx: TransactionSql) => Promise<T>, timeoutMs: number): Promise<T> {
  let expired = false;
  const transaction = sql.begin(async (tx) => {
    if (expired) throw deadlineError(timeoutMs);
    let result: T;
    try {
      result = await work(tx);
    } catch (error) {
      // A failed transaction's ROLLBACK, written by postgres.js 3.4.9 onto the socket of a connection that has
      // closed, throws outside any promise and ends the process (porsager/postgres#1208). There is nothing to roll
      // back on a lost connection: `begin` rejects by itself when it closes, and the deadline bounds the wait.
      if (connectionLost(error)) return new Promise<never>(() => {});
      throw error;
    }
    if (expired) throw deadlineError(timeoutMs);
    return result;
  }) as Promise<T>;
  return within(transaction, timeoutMs, () => {
    expired = true;
  });
}

/** `promise`'s outcome, or QUERY_DEADLINE after `timeoutMs`, when `expire` is called. */
function within<T>(promise: PromiseLike<T>, timeoutMs: number, expire: () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      expire();
      reject(deadlineError(timeoutMs));
    }, timeoutMs);
    promise.then(
      (rows) => {
        clearTimeout(timer);
        resolve(rows);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
