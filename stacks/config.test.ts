import rootPackage from "../package.json";
import { RemovalPolicy } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { App } from "sst/constructs";
import { describe, expect, it } from "vitest";
import { appSettings, resolveStageConfig, stageWarnings, useStageConfig } from "./config";

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
      proxyPinnedConnections: 0,
      proxyQueryLatencyMs: 50,
      probeLatencyMs: 2000,
      // The design documents' promises: up more than 99.9% of the time, answers under 100 ms.
      slo: { availabilityPercent: 99.9, latencyPercent: 99, latencyThresholdMs: 100 },
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

describe("who may write", () => {
  const AUTH0 = { DATA_API_JWT_ISSUER: "https://acme.eu.auth0.com/", DATA_API_JWT_AUDIENCE: "https://api.example.com, ci-job" };

  it("signs writes in on staging and prod, with a user pool of the stage's own that sends the page back to its origin", () => {
    expect(resolveStageConfig("staging", DOMAIN)).toMatchObject({
      writes: "signed-in",
      exposeCreatedBy: false,
      identity: { kind: "cognito", threatProtection: "off", pageUrls: ["https://staging.example.com/"] },
    });
    expect(resolveStageConfig("prod", DOMAIN)).toMatchObject({
      writes: "signed-in",
      exposeCreatedBy: false,
      identity: { kind: "cognito", threatProtection: "enforced", pageUrls: ["https://example.com/"] },
    });
  });

  it("leaves local and personal stages public, with nobody to sign in", () => {
    for (const stage of ["local", "alice"]) {
      const config = resolveStageConfig(stage, {});
      expect(config.writes).toBe("public");
      expect(config.identity).toBeUndefined();
      expect(config.exposeCreatedBy).toBe(false);
      expect(stageWarnings(stage, config)).toEqual([]);
    }
  });

  it("opens a stage's writes with DATA_API_PUBLIC_WRITES=true, keeping its user pool, and says so loudly", () => {
    for (const stage of ["staging", "prod"]) {
      const config = resolveStageConfig(stage, { ...DOMAIN, DATA_API_PUBLIC_WRITES: "TRUE" });
      expect(config.writes).toBe("public");
      expect(config.identity?.kind).toBe("cognito");
      expect(stageWarnings(stage, config)).toEqual([expect.stringMatching(new RegExp(`^WRITES ARE PUBLIC ON ${stage.toUpperCase()}: DATA_API_PUBLIC_WRITES=true lets anyone`))]);
    }
    const kept = resolveStageConfig("prod", { ...DOMAIN, DATA_API_PUBLIC_WRITES: "false" });
    expect(kept.writes).toBe("signed-in");
    expect(stageWarnings("prod", kept)).toEqual([]);
    expect(stageWarnings("prod", resolveStageConfig("prod", DOMAIN))).toEqual([]);
  });

  it("trusts an external issuer with DATA_API_JWT_ISSUER and DATA_API_JWT_AUDIENCE instead of creating a user pool", () => {
    expect(resolveStageConfig("prod", { ...DOMAIN, ...AUTH0 }).identity).toEqual({
      kind: "external",
      issuer: "https://acme.eu.auth0.com/",
      audiences: ["https://api.example.com", "ci-job"],
      pageClientId: undefined,
    });
    expect(resolveStageConfig("staging", { ...DOMAIN, ...AUTH0, DATA_API_JWT_PAGE_CLIENT_ID: "page123" }).identity).toMatchObject({ pageClientId: "page123" });
  });

  it.each([
    ["prod", { DATA_API_PUBLIC_WRITES: "yes" }, /DATA_API_PUBLIC_WRITES must be true or false, not "yes"/],
    ["prod", { DATA_API_JWT_ISSUER: "https://acme.eu.auth0.com/" }, /needs both DATA_API_JWT_ISSUER and DATA_API_JWT_AUDIENCE/],
    ["staging", { DATA_API_JWT_AUDIENCE: "x" }, /needs both DATA_API_JWT_ISSUER and DATA_API_JWT_AUDIENCE/],
    ["prod", { DATA_API_JWT_ISSUER: "http://acme.example.com/", DATA_API_JWT_AUDIENCE: "x" }, /identity\.issuer must be an https:\/\/ URL/],
    ["prod", { DATA_API_JWT_ISSUER: "https://acme.example.com/", DATA_API_JWT_AUDIENCE: "x,,y" }, /identity\.audiences/],
    ["local", { DATA_API_PUBLIC_WRITES: "false" }, /DATA_API_PUBLIC_WRITES=false needs an identity/],
    ["alice", { DATA_API_JWT_ISSUER: "https://acme.eu.auth0.com/", DATA_API_JWT_AUDIENCE: "x" }, /writes are public here and nobody signs in/],
  ])("rejects stage %s with %o", (stage, env, message) => {
    expect(() => resolveStageConfig(stage, { ...DOMAIN, ...env })).toThrow(message);
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
