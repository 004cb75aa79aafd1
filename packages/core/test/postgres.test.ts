import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterEach, describe, expect, it, vi } from "vitest";
import { databaseConfigFromEnv, type PostgresConfig } from "../src/db/config";
import { iamTokenSigner, openPostgres } from "../src/db/postgres";

const base: PostgresConfig = {
  driver: "postgres",
  host: "proxy.example.internal",
  port: 5432,
  database: "app",
  user: "app_user",
  iamAuth: true,
  region: "eu-west-1",
  ssl: "verify-full",
  maxConnections: 1,
  connectTimeoutSeconds: 5,
  queryTimeoutMs: 5_000,
};

afterEach(() => vi.unstubAllEnvs());

describe("iamTokenSigner", () => {
  it("signs a fresh rds-db connect token for the configured user, locally", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    const token = await iamTokenSigner(base)();
    const url = new URL(`https://${token}`);
    expect(url.host).toBe("proxy.example.internal:5432");
    expect(url.searchParams.get("Action")).toBe("connect");
    expect(url.searchParams.get("DBUser")).toBe("app_user");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(/^AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/rds-db\//);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
  });

  it("needs a host and a region", () => {
    expect(() => iamTokenSigner({ ...base, region: undefined })).toThrow(/AWS_REGION/);
    expect(() => iamTokenSigner({ ...base, host: undefined })).toThrow(/DB_HOST/);
  });
});

describe("openPostgres", () => {
  it("describes the server without its password", async () => {
    const handle = openPostgres({ ...base, iamAuth: false, url: "postgres://u:secret@db.internal:6432/app" });
    expect(handle.description).toBe("PostgreSQL at db.internal:6432/app");
    await handle.close();
  });

  it("describes discrete settings", async () => {
    const handle = openPostgres(base);
    expect(handle.description).toBe("PostgreSQL at proxy.example.internal:5432/app");
    await handle.close();
  });
});

describe.runIf(process.env.DATABASE_URL)("openPostgres, migrating", () => {
  it("prints what a migration reports with RAISE WARNING, which the app's own connections keep quiet", async () => {
    // A database of its own: drizzle applies only migrations newer than the last one a database has seen.
    const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    const name = `data_api_say_${randomUUID().slice(0, 8)}`;
    await admin.unsafe(`create database ${name}`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    const folder = await mkdtemp(join(tmpdir(), "data-api-migrations-"));
    await mkdir(join(folder, "meta"));
    await writeFile(join(folder, "0000_say.sql"), "DO $$ BEGIN RAISE WARNING 'rows to review: 1'; END $$;");
    const journal = { version: "7", dialect: "postgresql", entries: [{ idx: 0, version: "7", when: 1, tag: "0000_say", breakpoints: true }] };
    await writeFile(join(folder, "meta", "_journal.json"), JSON.stringify(journal));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const database = openPostgres(databaseConfigFromEnv({ DATABASE_URL: url.toString() }) as PostgresConfig);
    try {
      await database.migrate(folder);
      expect(warn).toHaveBeenCalledWith("migration WARNING: rows to review: 1");
    } finally {
      warn.mockRestore();
      await database.close();
      await rm(folder, { recursive: true, force: true });
      await admin.unsafe(`drop database ${name} with (force)`);
      await admin.end();
    }
  });
});
