import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  // Every table of every resource: packages/core/src/<resource>/<resource>.sql.ts (see CONTRIBUTING.md, "Adding a resource").
  schema: "./packages/core/src/**/*.sql.ts",
  out: "./drizzle",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
});
