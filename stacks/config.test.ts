import rootPackage from "../package.json";
import { RemovalPolicy } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { App } from "sst/constructs";
import { describe, expect, it } from "vitest";
import { appSettings, resolveStageConfig, useStageConfig } from "./config";

/** What a deployed stage needs at the least: its domain, and who hears its alarms. */
const DOMAIN = { DATA_API_DOMAIN: "example.com", DATA_API_ALARM_EMAIL: "alarms@example.com" };

describe("resolveStageConfig", () => {
  it("gives prod the apex web domain, a Multi-AZ database kept on removal and a canary deploy", () => {
    const prod = resolveStageConfig("prod", DOMAIN);
    expect(prod.domain).toEqual({ zone: "example.com", web: "example.com", api: "api.example.com" });
    expect(prod.corsOrigins).toEqual(["https://example.com"]);
    expect(prod.database).toMatchObject({
      multiAz: true,
      backupRetentionDays: 30,
      deletionProtection: true,
      removal: RemovalPolicy.SNAPSHOT,
    });
    expect(prod.removal).toBe(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    expect(prod.deployStrategy).toBe("canary");
    expect(prod.logLevel).toBe("info");
    expect(prod.monitoring).toEqual({
      apiServerErrorPercent: 1,
      apiP99LatencyMs: 2000,
      databaseCpuPercent: 80,
      databaseFreeStorageGiB: 5,
      proxyConnectionsPercent: 80,
    });
  });

  it("gives staging its subdomain and a single-AZ database removed with the stage", () => {
    const staging = resolveStageConfig("staging", DOMAIN);
    expect(staging.domain).toEqual({ zone: "example.com", web: "staging.example.com", api: "api.staging.example.com" });
    expect(staging.database).toMatchObject({
      multiAz: false,
      backupRetentionDays: 7,
      deletionProtection: false,
      removal: RemovalPolicy.DESTROY,
    });
    expect(staging.deployStrategy).toBe("all-at-once");
    expect(staging.logLevel).toBe("info");
    expect(staging.monitoring).toMatchObject({ apiServerErrorPercent: 5, databaseFreeStorageGiB: 2 });
  });

  it("treats any other stage name as a personal stage like local: no domain, no database of its own", () => {
    for (const stage of ["local", "alice"]) {
      const config = resolveStageConfig(stage, {});
      expect(config.domain).toBeUndefined();
      expect(config.database).toBeUndefined();
      expect(config.corsOrigins).toEqual(["*"]);
      expect(config.logRetention).toBe(RetentionDays.ONE_WEEK);
      expect(config.logLevel).toBe("debug");
      // `sst dev` swaps the function for a stub: nothing to release through an alias, nothing to watch.
      expect(config.deployStrategy).toBeUndefined();
      expect(config.monitoring).toBeUndefined();
    }
  });

  it("takes the hosted zone from DATA_API_HOSTED_ZONE when the domain is a subdomain of it", () => {
    const config = resolveStageConfig("staging", { ...DOMAIN, DATA_API_DOMAIN: "data.example.org", DATA_API_HOSTED_ZONE: "example.org" });
    expect(config.domain).toEqual({ zone: "example.org", web: "staging.data.example.org", api: "api.staging.data.example.org" });
  });

  it("passes the alarm e-mail through", () => {
    expect(resolveStageConfig("prod", { ...DOMAIN, DATA_API_ALARM_EMAIL: "ops@example.com" }).alarmEmail).toBe("ops@example.com");
  });

  it("names the release from DATA_API_VERSION, else package.json", () => {
    expect(resolveStageConfig("prod", { ...DOMAIN, DATA_API_VERSION: "v1.4.2" }).version).toBe("v1.4.2");
    expect(resolveStageConfig("prod", DOMAIN).version).toBe(rootPackage.version);
  });

  it.each([
    ["staging", {}, /Stage "staging" serves a custom domain: set DATA_API_DOMAIN/],
    ["prod", { DATA_API_DOMAIN: "Example.com" }, /DATA_API_DOMAIN must be a lower-case DNS name/],
    ["prod", { DATA_API_DOMAIN: "example.com", DATA_API_HOSTED_ZONE: "example.org" }, /example.com is not inside the hosted zone example.org/],
    ["prod", { DATA_API_DOMAIN: "example.com", DATA_API_ALARM_EMAIL: "ops" }, /DATA_API_ALARM_EMAIL/],
    ["local", { DATA_API_REGION: "mars" }, /DATA_API_REGION must be an AWS region/],
    ["prod", { DATA_API_DOMAIN: "example.com" }, /Stage "prod": config raises alarms: set DATA_API_ALARM_EMAIL/],
    ["staging", { DATA_API_DOMAIN: "example.com", DATA_API_ALARM_EMAIL: " " }, /set DATA_API_ALARM_EMAIL/],
    ["staging", { DATA_API_DOMAIN: "", DATA_API_ALARM_EMAIL: "ops@example.com" }, /serves a custom domain: set DATA_API_DOMAIN/],
  ])("rejects stage %s with %o before any stack is built", (stage, env, message) => {
    expect(() => resolveStageConfig(stage, env)).toThrow(message);
  });
});

describe("appSettings", () => {
  it("names the app and takes the region from DATA_API_REGION, eu-west-1 by default", () => {
    expect(appSettings({})).toEqual({ name: "data-api", region: "eu-west-1" });
    expect(appSettings({ DATA_API_REGION: "us-east-2" }).region).toBe("us-east-2");
  });
});

describe("useStageConfig", () => {
  it("refuses an app whose stacks were not built through addStacks", () => {
    expect(() => useStageConfig({} as App)).toThrow(/No stage config/);
  });
});
