import { appendFileSync, cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, migrationsVersion } from "./migrations";

describe("migrationsVersion", () => {
  let copy: string;
  beforeEach(() => {
    copy = join(mkdtempSync(join(tmpdir(), "data-api-migrations-")), "drizzle");
    cpSync(MIGRATIONS_DIR, copy, { recursive: true });
  });
  afterEach(() => rmSync(join(copy, ".."), { recursive: true, force: true }));

  it("depends on the files, not on where the folder is or when it is read", () => {
    expect(migrationsVersion(copy)).toBe(migrationsVersion(MIGRATIONS_DIR));
    expect(migrationsVersion(MIGRATIONS_DIR)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("changes when a migration changes", () => {
    appendFileSync(join(copy, "0000_create_data.sql"), "\n-- edited\n");
    expect(migrationsVersion(copy)).not.toBe(migrationsVersion(MIGRATIONS_DIR));
  });

  it("changes when a migration is added", () => {
    writeFileSync(join(copy, "0002_next.sql"), "SELECT 1;\n");
    expect(migrationsVersion(copy)).not.toBe(migrationsVersion(MIGRATIONS_DIR));
  });

  it("changes when a migration is renamed", () => {
    renameSync(join(copy, "0001_app_role.sql"), join(copy, "0001_renamed.sql"));
    expect(migrationsVersion(copy)).not.toBe(migrationsVersion(MIGRATIONS_DIR));
  });
});
