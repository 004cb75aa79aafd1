import { integer, pgTable, timestamp, varchar } from "drizzle-orm/pg-core";

export const dataTable = pgTable("data", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  name: varchar("name", { length: 100 }).notNull().unique(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
