// Compiled by `npm run db:statements` from ./idempotency.queries.ts: change the statements there, not here.
import type { Statement } from "../db/database";

export const sweepThisKey = {
  text: `delete from "idempotency_keys" where (("idempotency_keys"."caller" = $1 and "idempotency_keys"."key" = $2) and "idempotency_keys"."created_at" < now() - make_interval(hours => 24))`,
  params: ["caller", "key"],
} as const satisfies Statement;

export const sweepExpired = {
  text: `delete from "idempotency_keys" where ("idempotency_keys"."caller", "idempotency_keys"."key") in (
    select "idempotency_keys"."caller", "idempotency_keys"."key" from "idempotency_keys" where "idempotency_keys"."created_at" < now() - make_interval(hours => 24) limit 100 for update skip locked
  )`,
  params: [],
} as const satisfies Statement;

export const claim = {
  text: `insert into "idempotency_keys" ("caller", "key", "request_hash", "status", "body", "created_at") values ($1, $2, $3, default, default, default) on conflict do nothing returning "key"`,
  params: ["caller", "key", "requestHash"],
} as const satisfies Statement;

export const kept = {
  text: `select "request_hash" as "requestHash", "status", "body" from "idempotency_keys" where ("idempotency_keys"."caller" = $1 and "idempotency_keys"."key" = $2)`,
  params: ["caller", "key"],
} as const satisfies Statement;

export const keep = {
  text: `update "idempotency_keys" set "status" = $1, "body" = $2 where ("idempotency_keys"."caller" = $3 and "idempotency_keys"."key" = $4)`,
  params: ["status", "body", "caller", "key"],
} as const satisfies Statement;
