import { integer, pgTable, timestamp, varchar } from "drizzle-orm/pg-core";
import { NAME_MAX_LENGTH } from "./name";

export const dataTable = pgTable("data", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  name: varchar("name", { length: NAME_MAX_LENGTH }).notNull().unique(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
