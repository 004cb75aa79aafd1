import type { Sql, TransactionSql } from "postgres";
import { causes } from "./causes";

/** The code of the error a query gets when the database has not answered it in time. */
export const QUERY_DEADLINE = "QUERY_DEADLINE";

type Query = Promise<unknown> & { cancel(): Promise<void> | false | null | undefined };

const deadlineError = (timeoutMs: number) =>
  Object.assign(new Error(`the database did not answer within ${timeoutMs} ms`), { code: QUERY_DEADLINE });

/**
 * Gives every query of `sql` (the calls drizzle makes, through `unsafe`) `timeoutMs` to be answered, waiting for a
 * connection included; then it fails with QUERY_DEADLINE. It is also cancelled: postgres.js drops a query still
 * queued for a connection, so a write that was answered 503 cannot run later, and asks the server to stop one it
 * runs. The server's own timeouts (drizzle/0002_app_role_timeouts.sql) end a slow or blocked statement first;
 * this deadline is for a server that answers nothing at all, or a pool with no connection to give. A transaction
 * (`begin`, drizzle's `transaction`) gets it as a whole, as well as each of its queries.
 */
export function withQueryDeadline<T extends Sql | TransactionSql>(sql: T, timeoutMs: number): T {
  return new Proxy(sql, {
    get(target, key, receiver) {
      // Only a Sql has `begin`; a transaction's own queries come through `unsafe`.
      if (key === "begin") return (...args: [Work] | [string, Work]) => boundedTransaction(target as Sql, args, timeoutMs);
      if (key !== "unsafe") return Reflect.get(target, key, receiver);
      return (...args: Parameters<Sql["unsafe"]>) => bounded((target as Sql).unsafe(...args) as unknown as Query, timeoutMs);
    },
  });
}

type Work = (tx: TransactionSql) => Promise<unknown>;

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
 * `sql.begin([options], work)` answered within `timeoutMs`, the wait for a connection included. Once the deadline
 * has passed, the work rolls back instead of committing (or is not started): its caller was told it failed.
 */
function boundedTransaction(sql: Sql, args: [Work] | [string, Work], timeoutMs: number): Promise<unknown> {
  const [options, work] = args.length === 1 ? [undefined, args[0]] : args;
  let expired = false;
  const run = async (tx: TransactionSql) => {
    if (expired) throw deadlineError(timeoutMs);
    let result: unknown;
    try {
      result = await work(withQueryDeadline(tx, timeoutMs));
    } catch (error) {
      // A failed transaction's ROLLBACK, written by postgres.js 3.4.9 onto the socket of a connection that has
      // closed, throws outside any promise and ends the process (porsager/postgres#1208). There is nothing to roll
      // back on a lost connection: `begin` rejects by itself when it closes, and the deadline bounds the wait.
      if (connectionLost(error)) return new Promise<never>(() => {});
      throw error;
    }
    if (expired) throw deadlineError(timeoutMs);
    return result;
  };
  const transaction = options === undefined ? sql.begin(run) : sql.begin(options, run);
  return within(transaction, timeoutMs, () => {
    expired = true;
  });
}

/**
 * The query as drizzle uses it: its modifiers (`values()`, …) return the query itself, which postgres.js sends
 * only once it is awaited; so the deadline starts at `then`, with the modifiers already applied.
 */
function bounded(query: Query, timeoutMs: number): Query {
  const proxy: Query = new Proxy(query, {
    get(target, key) {
      if (key === "then") {
        return (onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) =>
          answeredWithin(target, timeoutMs).then(onFulfilled, onRejected);
      }
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        return result === target ? proxy : result;
      };
    },
  });
  return proxy;
}

const answeredWithin = (query: Query, timeoutMs: number) =>
  within(query, timeoutMs, () => {
    Promise.resolve(query.cancel()).catch(() => {});
  });

/** `promise`'s outcome, or QUERY_DEADLINE after `timeoutMs`, when `expire` is called. */
function within(promise: PromiseLike<unknown>, timeoutMs: number, expire: () => void): Promise<unknown> {
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
