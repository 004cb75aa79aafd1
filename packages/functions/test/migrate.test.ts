import { afterEach, describe, expect, it, vi } from "vitest";
import { migrationsFolder } from "../../core/test/support/database";
import { handler } from "../src/migrate";

afterEach(() => vi.unstubAllEnvs());

describe("the migration function", () => {
  it("refuses to run without a PostgreSQL to migrate", async () => {
    vi.stubEnv("DATABASE_URL", "");
    vi.stubEnv("DB_HOST", "");
    await expect(handler()).rejects.toThrow(/needs DB_HOST or DATABASE_URL/);
  });

  it("fails, and so fails the deploy, when the migrations cannot be read", async () => {
    vi.stubEnv("DATABASE_URL", "postgres://postgres@127.0.0.1:1/none");
    vi.stubEnv("MIGRATIONS_DIR", "/nonexistent");
    await expect(handler()).rejects.toThrow();
  });

  it.runIf(process.env.DATABASE_URL)("applies drizzle/ and is idempotent", async () => {
    vi.stubEnv("MIGRATIONS_DIR", migrationsFolder);
    await expect(handler()).resolves.toEqual({ migrated: true });
    await expect(handler()).resolves.toEqual({ migrated: true });
  });
});
