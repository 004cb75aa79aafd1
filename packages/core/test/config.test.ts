import { describe, expect, it } from "vitest";
import { databaseConfigFromEnv, databaseEnv } from "../src/db/config";

describe("databaseConfigFromEnv", () => {
  it("falls back to the embedded PGlite when no PostgreSQL is named", () => {
    expect(databaseConfigFromEnv({}, "/tmp/db")).toEqual({ driver: "pglite", dataDir: "/tmp/db" });
    expect(databaseConfigFromEnv({ DATABASE_URL: "  " })).toEqual({ driver: "pglite", dataDir: undefined });
  });

  it("uses DATABASE_URL with small, proxy-safe defaults", () => {
    expect(databaseConfigFromEnv({ DATABASE_URL: "postgres://u@db:5432/app" })).toMatchObject({
      driver: "postgres",
      url: "postgres://u@db:5432/app",
      ssl: "disable",
      iamAuth: false,
      maxConnections: 10,
      connectTimeoutSeconds: 5,
      queryTimeoutMs: 5_000,
    });
  });

  it("reads discrete settings with IAM auth, which implies verified TLS", () => {
    const config = databaseConfigFromEnv({
      DB_HOST: "proxy.example",
      DB_PORT: "5433",
      DB_NAME: "app",
      DB_USER: "app_user",
      DB_IAM_AUTH: "true",
      DATABASE_POOL_MAX: "1",
      AWS_REGION: "eu-west-1",
    });
    expect(config).toEqual({
      driver: "postgres",
      url: undefined,
      host: "proxy.example",
      port: 5433,
      database: "app",
      user: "app_user",
      iamAuth: true,
      region: "eu-west-1",
      ssl: "verify-full",
      maxConnections: 1,
      connectTimeoutSeconds: 5,
      queryTimeoutMs: 5_000,
    });
  });

  it("lets DATABASE_SSL choose the TLS mode", () => {
    expect(databaseConfigFromEnv({ DATABASE_URL: "postgres://db/app", DATABASE_SSL: "require" })).toMatchObject({
      ssl: "require",
    });
    expect(databaseConfigFromEnv({ DB_HOST: "proxy.example", DB_IAM_AUTH: "1", DATABASE_SSL: "Require" })).toMatchObject({
      iamAuth: true,
      ssl: "require",
    });
  });

  it("names every wrong value in one error", () => {
    expect(() =>
      databaseConfigFromEnv({ DB_HOST: "h", DB_PORT: "99999", DB_IAM_AUTH: "yes", DATABASE_CONNECT_TIMEOUT: "61" }),
    ).toThrow(
      'Invalid database settings: DB_PORT must be an integer from 1 to 65535, not "99999"; ' +
        'DB_IAM_AUTH must be one of true, false, 1, 0, not "yes"; ' +
        'DATABASE_CONNECT_TIMEOUT must be an integer from 1 to 60, not "61"',
    );
  });

  it.each([
    [{ DB_HOST: "h", DB_PORT: "99999" }, /DB_PORT/],
    [{ DATABASE_URL: "postgres://db/app", DATABASE_SSL: "maybe" }, /DATABASE_SSL/],
    [{ DATABASE_URL: "postgres://db/app", DATABASE_POOL_MAX: "0" }, /DATABASE_POOL_MAX/],
    [{ DATABASE_URL: "postgres://db/app", DB_IAM_AUTH: "yes" }, /DB_IAM_AUTH/],
    [{ DATABASE_URL: "postgres://db/app", DB_IAM_AUTH: "true" }, /DB_IAM_AUTH needs DB_HOST/],
  ])("refuses %j", (env, message) => {
    expect(() => databaseConfigFromEnv(env)).toThrow(message);
  });
});

describe("databaseEnv", () => {
  const proxy = { host: "data-api-prod.proxy-c0ffee.eu-west-1.rds.amazonaws.com", port: 5432, database: "data_api", user: "data_api" };

  it("writes what databaseConfigFromEnv reads back: the proxy, with IAM tokens over verified TLS", () => {
    expect(databaseConfigFromEnv({ ...databaseEnv({ proxy, poolMax: 1 }), AWS_REGION: "eu-west-1" })).toMatchObject({
      driver: "postgres",
      url: undefined,
      ...proxy,
      iamAuth: true,
      ssl: "verify-full",
      region: "eu-west-1",
      maxConnections: 1,
    });
  });

  it("without a proxy, writes only the pool: the URL comes from elsewhere (an SST secret)", () => {
    expect(databaseEnv({ poolMax: 3 })).toEqual({ DATABASE_POOL_MAX: "3" });
    expect(databaseConfigFromEnv({ ...databaseEnv({ poolMax: 3 }), DATABASE_URL: "postgres://me@db/mine" })).toMatchObject({ maxConnections: 3, iamAuth: false });
  });
});
