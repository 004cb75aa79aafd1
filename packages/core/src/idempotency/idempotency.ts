import { run, type Database, type Queryable } from "../db/database";
import { sqlState } from "../db/failure";
import { ConflictError, UnprocessableError } from "../error";
import { fingerprint } from "./fingerprint";
import * as statements from "./idempotency.statements";

export { KEY_LIFETIME_HOURS, KEY_MAX_LENGTH } from "./limits";
export { fingerprint } from "./fingerprint";

export const MESSAGES = {
  otherBody: "Idempotency-Key was already used with a different body",
  inProgress: "A request with this Idempotency-Key is still in progress",
} as const;

/** A write the caller sent with an Idempotency-Key. */
export interface KeyedRequest {
  /** The caller's subject; none when nobody signed in (their keys share one scope, as their writes are public). */
  caller?: string;
  key: string;
  /** The request's parsed JSON body. */
  body: unknown;
}

/** What a write answered: kept with its key and given again, as it was, to every retry. */
export interface Answer {
  status: number;
  body: unknown;
}

export interface Outcome extends Answer {
  /** Whether this is the kept answer of an earlier request with the key, and nothing was written now. */
  replayed: boolean;
}

// lock_not_available: the role's lock_timeout (drizzle/0002_app_role_timeouts.sql) ended the wait for the row
// another transaction inserted with the same key.
const LOCK_NOT_AVAILABLE = "55P03";

/**
 * Deletes this key if it has expired, so that it is used afresh; then up to SWEEP_BATCH other expired keys,
 * skipping those another transaction holds. Two statements, in this order, so that no two sweeps wait on each
 * other: the one wait (for this key's row) comes before this transaction holds any row of its own.
 */
async function sweep(tx: Queryable, caller: string, key: string): Promise<void> {
  await run(tx, statements.sweepThisKey, { caller, key });
  await run(tx, statements.sweepExpired);
}

/**
 * Inserts the key's row, or finds it there: true when this request owns the key now. A row another transaction is
 * still writing makes the insert wait for it (its commit: found; its rollback: inserted), up to the lock timeout.
 */
async function claim(tx: Queryable, caller: string, key: string, requestHash: string): Promise<boolean> {
  try {
    const inserted = await run(tx, statements.claim, { caller, key, requestHash });
    return inserted.length === 1;
  } catch (error) {
    // Without the lock error as its cause, which would read as an unavailable database (db/unavailable.ts).
    if (sqlState(error) === LOCK_NOT_AVAILABLE) throw new ConflictError(MESSAGES.inProgress);
    throw error;
  }
}

/** The answer kept for the key, for a request with the same body. */
async function kept(tx: Queryable, caller: string, key: string, requestHash: string): Promise<Outcome> {
  const [row] = await run<{ requestHash: string; status: number | null; body: string | null }>(tx, statements.kept, { caller, key });
  // Gone between the insert that met it and this read: another write's sweep took it as it expired.
  if (!row) throw new ConflictError(MESSAGES.inProgress);
  if (row.requestHash !== requestHash) throw new UnprocessableError(MESSAGES.otherBody);
  if (row.status === null || row.body === null) throw new Error("An idempotency key was committed without its answer");
  return { status: row.status, body: JSON.parse(row.body), replayed: true };
}

/**
 * Runs `write` once per key: the first request with it runs `write` in a transaction that also keeps its answer
 * with the key, and commits both or neither; a later one (the same caller, key and body, within
 * KEY_LIFETIME_HOURS) gets that answer, waiting for the first to finish if it is still running. The same key with
 * another body is an UnprocessableError; a first request still running after the lock timeout, a ConflictError. A
 * `write` that throws keeps nothing: its retry runs it again.
 */
export async function once(db: Database, request: KeyedRequest, write: (tx: Queryable) => Promise<Answer>): Promise<Outcome> {
  const caller = request.caller ?? "";
  const { key } = request;
  const requestHash = fingerprint(request.body);
  return db.transaction(async (tx) => {
    await sweep(tx, caller, key);
    if (!(await claim(tx, caller, key, requestHash))) return kept(tx, caller, key, requestHash);
    const answer = await write(tx);
    await run(tx, statements.keep, { status: answer.status, body: JSON.stringify(answer.body), caller, key });
    return { ...answer, replayed: false };
  });
}
