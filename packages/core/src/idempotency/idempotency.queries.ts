/** The statements of ./idempotency.ts, written with drizzle; `npm run db:statements` compiles them into ./idempotency.statements.ts. */
import { and, eq, sql } from "drizzle-orm";
import { builder, fieldsOf, placeholder, type Queries } from "../db/queries";
import { idempotencyKeyTable as keys } from "./idempotency.sql";
import { KEY_LIFETIME_HOURS, SWEEP_BATCH } from "./limits";

const expired = sql`${keys.createdAt} < now() - make_interval(hours => ${KEY_LIFETIME_HOURS})`;
const thisKey = and(eq(keys.caller, placeholder("caller")), eq(keys.key, placeholder("key")));
const { requestHash, status, body } = fieldsOf(keys);

export const queries = {
  sweepThisKey: builder.delete(keys).where(and(thisKey, expired)),
  sweepExpired: builder.delete(keys).where(sql`(${keys.caller}, ${keys.key}) in (
    select ${keys.caller}, ${keys.key} from ${keys} where ${expired} limit ${SWEEP_BATCH} for update skip locked
  )`),
  claim: builder
    .insert(keys)
    .values({ caller: placeholder("caller"), key: placeholder("key"), requestHash: placeholder("requestHash") })
    .onConflictDoNothing()
    .returning({ key: keys.key }),
  kept: builder.select({ requestHash, status, body }).from(keys).where(thisKey),
  keep: builder.update(keys).set({ status: sql`${placeholder("status")}`, body: sql`${placeholder("body")}` }).where(thisKey),
} satisfies Queries;
