import { describe, expect, it } from "vitest";
import { authEnv, localAccess } from "../src/host/auth-settings";
import { appEnv, runtimeSettings, type RuntimeSettings } from "../src/settings";

describe("runtimeSettings", () => {
  it("defaults to a local stage and leaves the log level to the host", () => {
    expect(runtimeSettings({})).toEqual({
      stage: "local",
      version: "dev",
      healthTimeoutMs: 2_000,
      logLevel: undefined,
      writes: "public",
      exposeCreatedBy: false,
    });
  });

  it("reads who may write, and whether lists show who created each record", () => {
    expect(runtimeSettings({ WRITES: "Signed-In", EXPOSE_CREATED_BY: "true" })).toMatchObject({ writes: "signed-in", exposeCreatedBy: true });
    expect(() => runtimeSettings({ WRITES: "anyone" })).toThrow(/WRITES must be one of public, signed-in, not "anyone"/);
  });

  it("reads LOG_LEVEL in any case, into the one vocabulary the stacks and loggers use", () => {
    expect(runtimeSettings({ STAGE: "prod", APP_VERSION: "1.4.0", LOG_LEVEL: "WARN" })).toMatchObject({
      stage: "prod",
      version: "1.4.0",
      logLevel: "warn",
    });
  });

  it("refuses an unknown level and an out-of-range timeout together", () => {
    expect(() => runtimeSettings({ LOG_LEVEL: "verbose", HEALTH_TIMEOUT_MS: "10" })).toThrow(
      /^Invalid app settings: HEALTH_TIMEOUT_MS must be an integer from 50 to 25000, not "10"; LOG_LEVEL must be one of debug, info, warn, error, silent, not "verbose"$/,
    );
  });
});

describe("appEnv", () => {
  it.each<RuntimeSettings>([
    { stage: "prod", version: "v1.4.0", healthTimeoutMs: 2_000, logLevel: "info", writes: "signed-in", exposeCreatedBy: false },
    { stage: "alice", version: "abc123", healthTimeoutMs: 500, logLevel: "silent", writes: "public", exposeCreatedBy: true },
  ])("writes what runtimeSettings reads back: %o", (settings) => {
    expect(runtimeSettings(appEnv(settings))).toEqual(settings);
  });

  it("leaves out what it is not told, so the reader's defaults apply", () => {
    expect(appEnv({ stage: "local", version: "1" })).toEqual({ STAGE: "local", APP_VERSION: "1" });
  });
});

describe("localAccess (npm start)", () => {
  const issuer = { issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TEST", audiences: ["3n4b5urk1ft4fl3mg5e62d9ado", "data-api"] };
  const read = (env: Record<string, string>) => localAccess(env, runtimeSettings(env));

  it("is public without an issuer, as the Flask app was", () => {
    expect(read({})).toEqual({ writes: "public" });
  });

  it("verifies tokens of AUTH_ISSUER for AUTH_AUDIENCE (comma-separated), and then writes are signed-in", () => {
    expect(read({ AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: " 3n4b5urk1ft4fl3mg5e62d9ado , data-api " })).toEqual({ writes: "signed-in", tokens: issuer });
    expect(read({ ...authEnv(issuer), WRITES: "signed-in" })).toEqual({ writes: "signed-in", tokens: issuer });
  });

  it("writes what it reads back", () => {
    expect(read(authEnv(issuer) as Record<string, string>).tokens).toEqual(issuer);
  });

  it.each([
    [{ AUTH_ISSUER: issuer.issuer }, "AUTH_ISSUER and AUTH_AUDIENCE go together"],
    [{ AUTH_AUDIENCE: "data-api" }, "AUTH_ISSUER and AUTH_AUDIENCE go together"],
    [{ WRITES: "signed-in" }, "WRITES=signed-in needs AUTH_ISSUER and AUTH_AUDIENCE"],
    [{ ...authEnv(issuer), WRITES: "Public" }, "WRITES=public contradicts AUTH_ISSUER"],
    [{ AUTH_ISSUER: "cognito-idp.eu-west-1.amazonaws.com", AUTH_AUDIENCE: "x" }, 'AUTH_ISSUER must be an http or https URL, not "cognito-idp.eu-west-1.amazonaws.com"'],
    [{ AUTH_ISSUER: "ftp://issuer.example", AUTH_AUDIENCE: "x" }, "AUTH_ISSUER must be an http or https URL"],
    [{ AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: "a,,b" }, "AUTH_AUDIENCE must be a comma-separated list without empty items"],
  ] as [Record<string, string>, string][])("refuses %o at start", (env, message) => {
    expect(() => read(env)).toThrow(message);
  });
});
