import type { Sql } from "postgres";

/** The code of the error a query gets when the database has not answered it in time. */
export const QUERY_DEADLINE = "QUERY_DEADLINE";

type Query = Promise<unknown> & { cancel(): Promise<void> | false | null | undefined };

/**
 * Gives every query of `sql` (the calls drizzle makes, through `unsafe`) `timeoutMs` to be answered, waiting for a
 * connection included; then it fails with QUERY_DEADLINE. It is also cancelled: postgres.js drops a query still
 * queued for a connection, so a write that was answered 503 cannot run later, and asks the server to stop one it
 * runs. The server's own timeouts (drizzle/0002_app_role_timeouts.sql) end a slow or blocked statement first;
 * this deadline is for a server that answers nothing at all, or a pool with no connection to give.
 */
export function withQueryDeadline<T extends Sql>(sql: T, timeoutMs: number): T {
  return new Proxy(sql, {
    get(target, key, receiver) {
      if (key !== "unsafe") return Reflect.get(target, key, receiver);
      return (...args: Parameters<Sql["unsafe"]>) => bounded(target.unsafe(...args) as unknown as Query, timeoutMs);
    },
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

function answeredWithin(query: Query, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      Promise.resolve(query.cancel()).catch(() => {});
      reject(Object.assign(new Error(`the database did not answer within ${timeoutMs} ms`), { code: QUERY_DEADLINE }));
    }, timeoutMs);
    query.then(
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
