// Compiled by `npm run db:statements` from ./data.queries.ts: change the statements there, not here.
import type { Statement } from "../db/database";

export const list = {
  text: `select "id", "name" from "data" where "data"."id" > $1 order by "data"."id" asc limit $2`,
  params: ["after", "limit"],
} as const satisfies Statement;

export const listWithCreator = {
  text: `select "id", "name", "created_by" as "createdBy" from "data" where "data"."id" > $1 order by "data"."id" asc limit $2`,
  params: ["after", "limit"],
} as const satisfies Statement;

export const create = {
  text: `insert into "data" ("id", "name", "created_at", "created_by") values (default, $1, default, $2) on conflict ("name") do nothing returning "id", "name"`,
  params: ["name", "createdBy"],
} as const satisfies Statement;

export const remove = {
  text: `delete from "data" where "data"."id" = $1 returning "id", "name", "created_at" as "createdAt", "created_by" as "createdBy"`,
  params: ["id"],
} as const satisfies Statement;

export const writeState = {
  text: `select current_setting('transaction_read_only') = 'on' as read_only,
    exists (select 1 from pg_locks where relation in ('data'::regclass) and mode in ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')) as locked`,
  params: [],
} as const satisfies Statement;
