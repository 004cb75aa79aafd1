import { describe, expect, it } from "vitest";
import { runtimeSettings } from "../src/settings";

describe("runtimeSettings", () => {
  it("defaults to a local stage and leaves the log level to the host", () => {
    expect(runtimeSettings({})).toEqual({ stage: "local", version: "dev", healthTimeoutMs: 2_000, logLevel: undefined });
  });

  it("reads LOG_LEVEL in any case", () => {
    expect(runtimeSettings({ STAGE: "prod", APP_VERSION: "1.4.0", LOG_LEVEL: "warn" })).toMatchObject({
      stage: "prod",
      version: "1.4.0",
      logLevel: "WARN",
    });
  });

  it("refuses a level Powertools does not know and an out-of-range timeout together", () => {
    expect(() => runtimeSettings({ LOG_LEVEL: "verbose", HEALTH_TIMEOUT_MS: "10" })).toThrow(
      /^Invalid app settings: HEALTH_TIMEOUT_MS must be an integer from 50 to 25000, not "10"; LOG_LEVEL must be one of TRACE, .*, not "verbose"$/,
    );
  });
});
