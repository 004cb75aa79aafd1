import { describe, expect, it } from "vitest";
import { appEnv, runtimeSettings, type RuntimeSettings } from "../src/settings";

describe("runtimeSettings", () => {
  it("defaults to a local stage and leaves the log level to the host", () => {
    expect(runtimeSettings({})).toEqual({ stage: "local", version: "dev", healthTimeoutMs: 2_000, logLevel: undefined });
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
    { stage: "prod", version: "v1.4.0", healthTimeoutMs: 2_000, logLevel: "info" },
    { stage: "alice", version: "abc123", healthTimeoutMs: 500, logLevel: "silent" },
  ])("writes what runtimeSettings reads back: %o", (settings) => {
    expect(runtimeSettings(appEnv(settings))).toEqual(settings);
  });

  it("leaves out what it is not told, so the reader's defaults apply", () => {
    expect(appEnv({ stage: "local", version: "1" })).toEqual({ STAGE: "local", APP_VERSION: "1" });
  });
});
