import { run, type Queryable } from "../db/database";
import { databaseState, type DatabaseState } from "../db/unavailable";
import { ConflictError, NotFoundError } from "../error";
import type { dataTable } from "./data.sql";
import * as statements from "./data.statements";
import type { CreateInput, ListInput } from "./input";

export { CreateBody, ID_MAX, IdParam, listInput, ListQuery, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, type CreateInput, type ListInput } from "./input";
export { NAME_MAX_LENGTH } from "./name";
export { parse } from "../validation";

type Row = typeof dataTable.$inferSelect;

/** The Flask app's messages, which its clients may match on: the routes answer them, the OpenAPI document shows them. */
export const MESSAGES = {
  inserted: "Data inserted successfully",
  deleted: "Data deleted successfully",
  exists: "Data already exists",
  notFound: "Data not found",
} as const;

/**
 * A record as the API shows it: the table's own columns, but for when it was made, and who made it only where a
 * list was asked for it (`createdBy`: a person's identifier, so personal data, shown only where the stage says so).
 */
export type Info = Pick<Row, "id" | "name"> & Partial<Pick<Row, "createdBy">>;

/** A row as a delete removed it, whole: for the record of who removed what. */
export type Removed = Row;

export interface Page {
  items: Info[];
  /** The `after` cursor of the next page, when there is one. */
  next?: number;
}

export interface ListOptions {
  /** Whether each item carries `createdBy`; false unless asked. */
  createdBy?: boolean;
}

/**
 * Keyset pagination by id: each page costs one index range scan, however deep it is. One row more than the page
 * says whether another follows.
 */
export async function list(db: Queryable, { limit, after = 0 }: ListInput, options: ListOptions = {}): Promise<Page> {
  const statement = options.createdBy ? statements.listWithCreator : statements.list;
  const rows = await run<Info>(db, statement, { after, limit: limit + 1 });
  if (rows.length <= limit) return { items: rows };
  // The extra row is dropped in place: `slice` on postgres.js's rows (an Array subclass) goes through their
  // species constructor, which cost 4 to 10 us a page.
  rows.length = limit;
  return { items: rows, next: rows[limit - 1]!.id };
}

/**
 * Inserts a name (as CreateBody gives it) on behalf of `createdBy`, the caller's subject (none: nobody signed in);
 * the unique constraint, not a prior read, decides who wins a race.
 */
export async function create(db: Queryable, { name }: CreateInput, createdBy?: string): Promise<Info> {
  const [row] = await run<Info>(db, statements.create, { name, createdBy: createdBy ?? null });
  if (!row) throw new ConflictError(MESSAGES.exists);
  return row;
}

/** Deletes a record and returns it as it was, for the record of what was removed. */
export async function remove(db: Queryable, id: number): Promise<Removed> {
  const [deleted] = await run<Removed>(db, statements.remove, { id });
  if (!deleted) throw new NotFoundError(MESSAGES.notFound);
  return deleted;
}

/** Whether the records can be served now: "ok", or what would make requests fail (DatabaseUnavailableError: no answer). */
export function health(db: Queryable, timeoutMs: number): Promise<DatabaseState> {
  return databaseState(db, statements.writeState, timeoutMs);
}
