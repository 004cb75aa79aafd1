import { index, pgTable, primaryKey, smallint, text, timestamp, varchar } from "drizzle-orm/pg-core";
import { KEY_MAX_LENGTH } from "./limits";

/**
 * One row per Idempotency-Key a caller sent with a write, and the answer the write got. A row is inserted before
 * the write and given its answer in the same transaction, so a committed row always has one; a write that fails
 * rolls back its row with it.
 */
export const idempotencyKeyTable = pgTable(
  "idempotency_keys",
  {
    /** Whose key it is: the caller's subject, or "" for writes nobody signed in to (a token's `sub` is never empty). */
    caller: text("caller").notNull(),
    key: varchar("key", { length: KEY_MAX_LENGTH }).notNull(),
    /** The sha-256 (hex) of the request's canonical JSON body: a key sent again with another body is refused. */
    requestHash: varchar("request_hash", { length: 64 }).notNull(),
    status: smallint("status"),
    /** The answer's JSON, as text: replayed exactly, where jsonb would reorder its keys. */
    body: text("body"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.caller, table.key] }),
    // Expired keys are found by age (./idempotency.ts, sweep).
    index("idempotency_keys_created_at_idx").on(table.createdAt),
  ],
);
