/** The statements of ./data.ts, written with drizzle; `npm run db:statements` compiles them into ./data.statements.ts. */
import { asc, eq, gt } from "drizzle-orm";
import { builder, fieldsOf, placeholder, writeState, type Queries } from "../db/queries";
import { dataTable } from "./data.sql";

const { id, name, createdBy } = fieldsOf(dataTable);

const after = gt(dataTable.id, placeholder("after"));

export const queries = {
  list: builder.select({ id, name }).from(dataTable).where(after).orderBy(asc(dataTable.id)).limit(placeholder("limit")),
  listWithCreator: builder.select({ id, name, createdBy }).from(dataTable).where(after).orderBy(asc(dataTable.id)).limit(placeholder("limit")),
  create: builder
    .insert(dataTable)
    .values({ name: placeholder("name"), createdBy: placeholder("createdBy") })
    .onConflictDoNothing({ target: dataTable.name })
    .returning({ id, name }),
  remove: builder.delete(dataTable).where(eq(dataTable.id, placeholder("id"))).returning(fieldsOf(dataTable)),
  writeState: writeState([dataTable]),
} satisfies Queries;
