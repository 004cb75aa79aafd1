import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { DatabaseUnavailableError } from "../error";
import type { Database } from "./database";

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
]);

// SQLSTATEs that mean "the server cannot serve you now", not "your query is wrong":
// class 08 connection exceptions, too many connections, admin/crash shutdown, cannot connect now.
const UNAVAILABLE_SQLSTATES = /^(08...|53300|57P01|57P02|57P03)$/;

function isUnavailable(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code))) {
      return true;
    }
  }
  return false;
}

/** Runs a database call, turning "cannot reach the database" into a DatabaseUnavailableError. */
export async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isUnavailable(error) ? new DatabaseUnavailableError({ cause: error }) : error;
  }
}

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
    return await Promise.race([guard(call), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const answer = (db: Database) => db.execute(sql`select 1`);

/** Resolves when the database answers a trivial query within `timeoutMs`. */
export async function ping(db: Database, timeoutMs: number): Promise<void> {
  await withDeadline(() => answer(db), timeoutMs);
}

/**
 * Resolves once the database answers `select 1`, retrying while it is unavailable: an RDS Proxy created in the same
 * deploy accepts connections a few minutes after CloudFormation reports it. Gives up after `timeoutMs`.
 */
export async function waitForDatabase(db: Database, timeoutMs: number, intervalMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await guard(() => answer(db));
      return;
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError) || Date.now() + intervalMs > deadline) throw error;
    }
    await sleep(intervalMs);
  }
}
