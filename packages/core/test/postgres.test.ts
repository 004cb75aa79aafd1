import { afterEach, describe, expect, it, vi } from "vitest";
import type { PostgresConfig } from "../src/db/config";
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
