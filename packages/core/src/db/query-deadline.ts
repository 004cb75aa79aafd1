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
 *
 * One timer per client looks at what is pending, every tenth of the deadline, where a timer per query cost each
 * request a timer's insertion and removal: the deadline is met within 110%.
 */
export class QueryDeadline {
  readonly #pending = new Set<Pending>();
  #sweep: NodeJS.Timeout | undefined;

  constructor(readonly timeoutMs: number) {}

  /** `query`'s rows, or QUERY_DEADLINE once it is due, when it is cancelled. */
  answered<T extends readonly Row[]>(query: PendingQuery<T>): Promise<T> {
    return this.#within(query, () => Promise.resolve(query.cancel()).catch(() => {}));
  }

  /**
   * `sql.begin(work)` answered in time, the wait for a connection included. Once it is due, the work rolls back
   * instead of committing (or is not started): its caller was told it failed.
   */
  transaction<T>(sql: Sql, work: (tx: TransactionSql) => Promise<T>): Promise<T> {
    const state = { expired: false };
    const transaction = sql.begin(async (tx) => {
      if (state.expired) throw deadlineError(this.timeoutMs);
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
      if (state.expired) throw deadlineError(this.timeoutMs);
      return result;
    }) as Promise<T>;
    return this.#within(transaction, () => (state.expired = true));
  }

  /**
   * What expiry does is held by `pending` alone, and dropped once the work settles: the callbacks below close over
   * none of it. When they shared a scope with a closure over `expire` (and so over the query), young collections
   * under load promoted 300-340 KB each to the old generation, against 10 KB, the query's answer included
   * (`node --trace-gc-nvp`, the server floor with and without this deadline).
   */
  #within<T>(promise: PromiseLike<T>, expire: () => void): Promise<T> {
    const pending: Pending = { due: performance.now() + this.timeoutMs, expire, reject: noop };
    this.#pending.add(pending);
    this.#sweep ??= this.#startSweep();
    return new Promise<T>((resolve, reject) => {
      pending.reject = reject;
      promise.then(
        (value) => {
          this.#settle(pending);
          resolve(value);
        },
        (error: unknown) => {
          this.#settle(pending);
          reject(error);
        },
      );
    });
  }

  /**
   * Made here, not in `#within`: a closure made there would hold the scope of the query that started the sweep, and
   * so its rows, for as long as the sweep runs. Unref'd: it keeps no process alive, and a pending query's socket
   * keeps its own alive.
   */
  #startSweep(): NodeJS.Timeout {
    return setInterval(() => this.#expireDue(), Math.max(1, this.timeoutMs / 10)).unref();
  }

  /**
   * A settled query's closures are dropped at once: kept until the next sweep, they held its rows past a young
   * garbage collection, which then copied them to the old generation.
   */
  #settle(pending: Pending): void {
    this.#pending.delete(pending);
    pending.expire = noop;
    pending.reject = noop;
  }

  #expireDue(): void {
    const now = performance.now();
    for (const pending of this.#pending) {
      if (pending.due > now) continue;
      const { expire, reject } = pending;
      this.#settle(pending);
      expire();
      reject(deadlineError(this.timeoutMs));
    }
    // Stopped once a sweep finds nothing pending: a closed client's deadline holds no timer, and a busy one keeps it.
    if (this.#pending.size === 0) {
      clearInterval(this.#sweep);
      this.#sweep = undefined;
    }
  }
}

interface Pending {
  due: number;
  /** Cancels the query, or keeps the transaction from committing. */
  expire: () => void;
  /** Fails the caller's promise. */
  reject: (error: Error) => void;
}

const noop = () => {};

// postgres.js's codes for a connection that has gone, and the socket's own.
const CONNECTION_GONE = new Set(["CONNECTION_CLOSED", "CONNECTION_DESTROYED", "CONNECTION_ENDED", "ECONNRESET", "EPIPE"]);

/** Whether `error` (or a cause of it) says the transaction's connection is gone: the server ended the session (FATAL), or the socket closed. */
function connectionLost(error: unknown): boolean {
  for (const { code, severity } of causes(error)) {
    if (severity === "FATAL" || severity === "PANIC" || (typeof code === "string" && CONNECTION_GONE.has(code))) return true;
  }
  return false;
}
