import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startOwnCluster, type OwnCluster } from "../../core/test/support/cluster";
import { bundleProbe, PROBE_HANDLER } from "../../../stacks/monitoring/canary";
import { probe, type CheckResult } from "../src/probe/checks";
import { probeEnv } from "../src/probe/settings";
import { startServer, type RunningServer } from "./support/server";
import { closedPort } from "./support/tcp";

const LATENCY_MS = 1_000;

/**
 * The probe against `npm start`'s server on a PostgreSQL cluster of the test's own, which the test stops: the
 * outage a user would see as 503s. The machine's server at 5432 is never touched.
 */
let cluster: OwnCluster;
let server: RunningServer;
let clusterStopped = false;

beforeAll(async () => {
  cluster = await startOwnCluster();
  const bootstrap = postgres(cluster.url("postgres"), { onnotice: () => {} });
  await bootstrap`create database probe`;
  await bootstrap.end();
  server = await startServer({ DATABASE_URL: cluster.url("probe"), HEALTH_TIMEOUT_MS: "500", STAGE: "probe-test", APP_VERSION: "9.9.9" });
}, 90_000);

afterEach(() => vi.unstubAllEnvs());
afterAll(async () => {
  await server?.stop();
  if (!clusterStopped) cluster?.stop();
});

/** An HTTP server that is not the API: it answers every path in `bodies` with 200 and that JSON, after `delayMs`. */
async function otherService(bodies: Record<string, unknown>, delayMs = 0) {
  const http = createServer((request, response) => {
    const body = bodies[new URL(request.url!, "http://x").pathname];
    setTimeout(() => response.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" }).end(JSON.stringify(body ?? {})), delayMs);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => (http.close(() => resolve()), http.closeAllConnections())) };
}

/** The canary's environment, as the stack sets it. */
const stubEnv = (env: Record<string, string | undefined>) => {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
};

const byName = (results: CheckResult[]) => Object.fromEntries(results.map((result) => [result.name, result]));

/**
 * The canary's bundle, loaded the way the Synthetics runtime loads it: `nodejs/node_modules/probe.js`, beside the
 * runtime's `Synthetics` and `SyntheticsLogger` modules, here stand-ins that keep the documented contract
 * (executeStep runs the step and rethrows its failure) and record what the steps did.
 */
async function loadCanary() {
  const dir = bundleProbe(await mkdtemp(join(tmpdir(), "data-api-probe-")));
  const modules = join(dir, "nodejs", "node_modules");
  await writeFile(
    join(modules, "Synthetics.js"),
    `exports.steps = [];
     exports.executeStep = async (name, run) => {
       try { await run(); exports.steps.push({ name, passed: true }); }
       catch (error) { exports.steps.push({ name, passed: false, error: error.message }); throw error; }
     };`,
  );
  await writeFile(join(modules, "SyntheticsLogger.js"), "exports.lines = []; exports.info = (line) => exports.lines.push(line);");
  const load = createRequire(join(modules, "index.js"));
  const [file, exported] = PROBE_HANDLER.split(".") as [string, string];
  const canary = load(`./${file}.js`) as Record<string, () => Promise<void>>;
  const synthetics = load("./Synthetics.js") as { steps: { name: string; passed: boolean; error?: string }[] };
  return { dir, handler: canary[exported]!, synthetics, source: await readFile(join(modules, `${file}.js`), "utf8") };
}

describe("the outside probe against npm start", { timeout: 60_000 }, () => {
  it("passes while the app and its database answer: 200, the expected bodies, in time", async () => {
    const results = byName(await probe({ baseUrl: server.url, latencyMs: LATENCY_MS }));
    expect(Object.keys(results)).toEqual(["GET /health", "GET /data"]);
    for (const result of Object.values(results)) {
      expect(result, JSON.stringify(result)).toMatchObject({ passed: true, status: 200 });
      expect(result.latencyMs).toBeLessThan(LATENCY_MS);
      expect(result.problem).toBeUndefined();
    }
    // Its correlation id reaches the app's log line, where the saved query finds it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.output()).toContain(results["GET /health"]!.correlationId);
  });

  it("fails another service's answers, and an answer over the latency budget", async () => {
    // Something else behind the domain (a parked page, another app): 200 and JSON, not ours.
    const other = await otherService({ "/health": { status: "ok" }, "/data": { items: [] } });
    try {
      const results = byName(await probe({ baseUrl: other.url, latencyMs: LATENCY_MS }));
      expect(results["GET /health"]).toMatchObject({ passed: false, status: 200 });
      expect(results["GET /health"]!.problem).toMatch(/^answered 200 with an unexpected body \(checks: Invalid key/);
      expect(results["GET /data"]!.problem).toMatch(/^answered 200 with an unexpected body \(body: Invalid type: Expected Array/);
    } finally {
      await other.close();
    }
    // Our bodies, but later than the budget allows (and sooner than the probe gives up, at twice the budget).
    const late = await otherService({ "/health": { status: "ok", checks: { database: "ok" }, version: "1", stage: "x" }, "/data": [] }, 300);
    try {
      for (const result of await probe({ baseUrl: late.url, latencyMs: 200 })) {
        expect(result).toMatchObject({ passed: false, status: 200 });
        expect(result.problem).toMatch(/^answered in (29\d|3\d\d) ms, over the 200 ms allowed$/);
      }
      // Past twice the budget, the probe stops waiting.
      for (const result of await probe({ baseUrl: late.url, latencyMs: 100 })) {
        expect(result.problem).toMatch(/^no answer: .*timeout/);
      }
    } finally {
      await late.close();
    }
  });

  it("fails where nothing listens, saying so", async () => {
    const results = await probe({ baseUrl: `http://127.0.0.1:${await closedPort()}`, latencyMs: LATENCY_MS });
    for (const result of results) {
      expect(result.passed).toBe(false);
      expect(result.status).toBeUndefined();
      expect(result.problem).toMatch(/^no answer: fetch failed \(.*ECONNREFUSED/);
    }
  });

  it("the canary's bundle runs both checks as Synthetics steps, needing nothing but the runtime's modules", async () => {
    const canary = await loadCanary();
    try {
      const required = [...canary.source.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
      expect(new Set(required)).toEqual(new Set(["Synthetics", "SyntheticsLogger"]));
      stubEnv(probeEnv({ baseUrl: server.url, latencyMs: LATENCY_MS }));
      await canary.handler();
      expect(canary.synthetics.steps).toEqual([
        { name: "GET /health", passed: true },
        { name: "GET /data", passed: true },
      ]);
    } finally {
      await rm(canary.dir, { recursive: true, force: true });
    }
  });

  // Last: the database does not come back.
  it("fails, in the canary too, once the database is stopped: 503 from both routes", async () => {
    cluster.stop();
    clusterStopped = true;
    const results = byName(await probe({ baseUrl: server.url, latencyMs: LATENCY_MS }));
    expect(results["GET /health"]).toMatchObject({ passed: false, status: 503 });
    expect(results["GET /health"]!.problem).toMatch(/^answered 503: .*"database":"unreachable"/);
    expect(results["GET /data"]).toMatchObject({ passed: false, status: 503 });
    expect(results["GET /data"]!.problem).toMatch(/^answered 503: .*Database unavailable/);

    const canary = await loadCanary();
    try {
      stubEnv(probeEnv({ baseUrl: server.url, latencyMs: LATENCY_MS }));
      await expect(canary.handler()).rejects.toThrow(/^GET \/health FAILED: answered 503/);
      expect(canary.synthetics.steps).toEqual([{ name: "GET /health", passed: false, error: expect.stringMatching(/answered 503/) }]);
    } finally {
      await rm(canary.dir, { recursive: true, force: true });
    }
  });
});
