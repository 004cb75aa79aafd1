import { describe, expect, it } from "vitest";
import { migrationEnv, migrationSettings } from "../src/migration-settings";

describe("migrationSettings", () => {
  it("defaults to the drizzle folder beside the handler, and no application role", () => {
    expect(migrationSettings({})).toEqual({ migrationsDir: "drizzle", appRoleSecretArn: undefined });
  });

  it.each([
    { migrationsDir: "drizzle", appRoleSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf" },
    { migrationsDir: "migrations", appRoleSecretArn: undefined },
  ])("reads back what migrationEnv writes: %o", (settings) => {
    expect(migrationSettings(migrationEnv(settings))).toEqual(settings);
  });
});
