import { integer, pgTable, text, timestamp, varchar } from "drizzle-orm/pg-core";
import { NAME_MAX_LENGTH } from "./name";

export const dataTable = pgTable("data", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  name: varchar("name", { length: NAME_MAX_LENGTH }).notNull().unique(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  /** The subject (`sub`) of the caller who created the row; null when nobody signed in, and for rows older than the column. */
  createdBy: text("created_by"),
});
