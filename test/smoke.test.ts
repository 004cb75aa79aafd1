import type { AddressInfo } from "node:net";
import { openDatabase } from "@data-api/core/db/local";
import type { DatabaseHandle } from "@data-api/core/db";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../packages/functions/src/app";
import { paths } from "../packages/functions/src/paths";
import { silentTelemetry } from "../packages/functions/test/support/app";
import { apiUrlFromOutputs, smokeTest } from "../scripts/smoke";

const quick = { attempts: 2, delayMs: 10, timeoutMs: 5_000 };

describe("smoke test against the real app", () => {
  let database: DatabaseHandle;
  let server: ServerType;
  let baseUrl: string;

  beforeAll(async () => {
    database = await openDatabase({ driver: "pglite" });
    await database.migrate(paths.migrations);
    const app = createApp({ db: database.db, stage: "staging", version: "1.2.3", healthTimeoutMs: 1_000, telemetry: silentTelemetry() });
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((resolve) => server.once("listening", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.close();
  });

  it("passes when /health is ok for the expected stage and /data lists the records", async () => {
    const lines: string[] = [];
    await smokeTest(`${baseUrl}/`, { stage: "staging", ...quick, log: (line) => lines.push(line) });
    expect(lines).toEqual([
      expect.stringMatching(/^GET \/health 200 in \d+ ms: stage staging, version 1\.2\.3$/),
      expect.stringMatching(/^GET \/data 200 in \d+ ms: 0 records$/),
    ]);
  });

  it("fails when the URL serves another stage", async () => {
    await expect(smokeTest(baseUrl, { stage: "prod", ...quick, log: () => {} })).rejects.toThrow(
      'GET /health: stage is "staging", not "prod"',
    );
  });

  it("fails on an HTTP error instead of accepting any answer", async () => {
    await expect(smokeTest(`${baseUrl}/nowhere`, { stage: "staging", ...quick, log: () => {} })).rejects.toThrow(
      /^GET \/health: HTTP 404/,
    );
  });

  it("retries the whole round, then reports the last failure", async () => {
    const lines: string[] = [];
    const closed = "http://127.0.0.1:9";
    await expect(smokeTest(closed, { stage: "staging", ...quick, log: (line) => lines.push(line) })).rejects.toThrow();
    expect(lines).toEqual([expect.stringMatching(/^attempt 1\/2 failed: .+; retrying in 10 ms$/)]);
  });
});

describe("apiUrlFromOutputs", () => {
  it("finds the one ApiUrl among the stacks' outputs", () => {
    const outputs = {
      "staging-data-api-Network": { VpcId: "vpc-1" },
      "staging-data-api-Api": { ApiUrl: "https://abc.execute-api.us-east-1.amazonaws.com", SSTMetadata: "{}" },
    };
    expect(apiUrlFromOutputs(outputs)).toBe("https://abc.execute-api.us-east-1.amazonaws.com");
  });

  it("refuses to pick when there is none or more than one", () => {
    expect(() => apiUrlFromOutputs({ a: { WebUrl: "x" } })).toThrow('Expected one "ApiUrl" output in the deploy outputs, found 0');
    expect(() => apiUrlFromOutputs({ a: { ApiUrl: "x" }, b: { ApiUrl: "y" } })).toThrow(/found 2/);
  });
});
