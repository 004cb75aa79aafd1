import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import type { Database } from "@data-api/core/db";
import { openPostgres } from "@data-api/core/db";
import { handle } from "hono/aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../core/test/support/database";
import { createApp, type AppOptions } from "../src/app";
import { terminalTelemetry } from "../src/observability/terminal";
import { cloudTelemetry, METRICS_NAMESPACE, SERVICE, type Telemetry } from "../src/observability/telemetry";
import { checkedAgainstDocument } from "./support/app";
import { invoke, jwtClaims, lambdaContext, type EventInput } from "./support/events";
import { captureOutput, type EmfDocument } from "./support/output";

const settings = { stage: "test", version: "1.2.3", healthTimeoutMs: 2_000 };

const json = (body: unknown) => ({
  headers: { "content-type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

/** A fresh Lambda execution environment running the API: its first invocation is a cold start. */
function lambdaFunction(db: Database, overrides: Partial<AppOptions> = {}) {
  // Set by Lambda in on-demand environments; Powertools reports cold starts only there.
  vi.stubEnv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
  const handler = handle(createApp({ db, ...settings, telemetry: cloudTelemetry(settings), ...overrides }));
  return async (request: EventInput) => {
    const requestId = `${randomUUID().slice(0, 15)}=`;
    const output = await captureOutput(() => invoke(handler, { requestId, ...request }));
    return { requestId, response: output.result, body: JSON.parse(output.result.body) as unknown, ...output };
  };
}

/** The metric values in EMF documents, after checking each is in our namespace with our dimensions. */
function metricValues(documents: EmfDocument[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const document of documents) {
    const [directive] = document._aws.CloudWatchMetrics;
    expect(directive?.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive?.Dimensions).toEqual([["service", "stage"]]);
    expect(document).toMatchObject({ service: SERVICE, stage: "test" });
    for (const { Name, Unit } of directive?.Metrics ?? []) {
      expect(Unit).toBe("Count");
      values[Name] = document[Name];
    }
  }
  return values;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());
beforeEach(async () => {
  vi.unstubAllEnvs();
  await database.reset();
});

describe("each request on Lambda", () => {
  it("writes one JSON log line with the request, its ids, the cold start flag, stage and version", async () => {
    const call = lambdaFunction(database.db);
    const { requestId, response, logs } = await call({ method: "GET", path: "/data", query: "limit=5" });
    const context = lambdaContext();

    expect(response.statusCode).toBe(200);
    expect(logs).toHaveLength(1);
    const [line] = logs;
    expect(line).toMatchObject({
      level: "INFO",
      message: "GET /data 200",
      service: SERVICE,
      method: "GET",
      route: "/data",
      path: "/data",
      status: 200,
      request_id: requestId,
      correlation_id: requestId,
      cold_start: true,
      function_request_id: context.awsRequestId,
      function_name: context.functionName,
      stage: "test",
      version: "1.2.3",
    });
    expect(line?.latency_ms).toEqual(expect.any(Number));
    expect(line?.latency_ms).toBeGreaterThanOrEqual(0);
    expect(Date.parse(String(line?.timestamp))).not.toBeNaN();
    expect(response.headers["x-correlation-id"]).toBe(requestId);
  });

  it("flags and counts only the first invocation of an environment as a cold start", async () => {
    const call = lambdaFunction(database.db);
    const first = await call({ method: "GET", path: "/data" });
    const second = await call({ method: "GET", path: "/data" });

    expect(first.logs[0]?.cold_start).toBe(true);
    expect(first.metrics).toHaveLength(1);
    expect(metricValues(first.metrics)).toEqual({ ColdStart: 1 });
    expect(second.logs[0]?.cold_start).toBe(false);
    expect(second.metrics).toEqual([]);
  });

  it("carries the caller's correlation id into the log and back in the response", async () => {
    const call = lambdaFunction(database.db);
    const { logs, response } = await call({
      method: "GET",
      path: "/data",
      headers: { "x-correlation-id": "checkout-7f3a:step=2" },
    });

    expect(logs[0]?.correlation_id).toBe("checkout-7f3a:step=2");
    expect(response.headers["x-correlation-id"]).toBe("checkout-7f3a:step=2");
  });

  it("replaces a correlation id that could corrupt logs or headers with the request id", async () => {
    const call = lambdaFunction(database.db);
    const { requestId, logs, response } = await call({
      method: "GET",
      path: "/data",
      headers: { "x-correlation-id": `"}\u2028${"x".repeat(200)}` },
    });

    expect(logs[0]?.correlation_id).toBe(requestId);
    expect(response.headers["x-correlation-id"]).toBe(requestId);
  });

  it("names each answer with API Gateway's request id, or the plain X-Request-Id its client sent", async () => {
    const call = lambdaFunction(database.db);
    const own = await call({ method: "GET", path: "/data" });
    const sent = await call({ method: "GET", path: "/data", headers: { "x-request-id": "client-42_a=b" } });

    expect(own.response.headers["x-request-id"]).toBe(own.requestId);
    expect(own.logs[0]).toMatchObject({ request_id: own.requestId, correlation_id: own.requestId });
    expect(sent.response.headers["x-request-id"]).toBe("client-42_a=b");
    expect(sent.response.headers["x-correlation-id"]).toBe("client-42_a=b");
    expect(sent.logs[0]).toMatchObject({ request_id: "client-42_a=b", correlation_id: "client-42_a=b" });
  });

  it.each([
    ["spaces", "a b"],
    ["a quote", 'x"y'],
    ["more than 255 characters", "x".repeat(256)],
    ["nothing", ""],
  ])("replaces a client's X-Request-Id with %s by API Gateway's", async (_, sent) => {
    const call = lambdaFunction(database.db);
    const { requestId, logs, response } = await call({ method: "GET", path: "/data", headers: { "x-request-id": sent } });

    expect(response.headers["x-request-id"]).toBe(requestId);
    expect(logs[0]?.request_id).toBe(requestId);
  });

  it("names refusals too: a 404 and a 405 carry the ids and the API's headers", async () => {
    const call = lambdaFunction(database.db);
    for (const request of [{ method: "GET", path: "/nothing" }, { method: "PUT", path: "/data" }] as const) {
      const { requestId, response, logs } = await call(request);
      expect(response.headers).toMatchObject({
        "x-request-id": requestId,
        "x-correlation-id": requestId,
        "x-content-type-options": "nosniff",
        "cache-control": "no-store",
      });
      expect(logs[0]?.request_id).toBe(requestId);
    }
  });

  it("logs the route pattern beside the path, and no route when none matched", async () => {
    const call = lambdaFunction(database.db);
    const deleted = await call({ method: "DELETE", path: "/data/7" });
    const unknown = await call({ method: "GET", path: "/nothing/here" });
    const wrongMethod = await call({ method: "PUT", path: "/data" });

    expect(deleted.logs[0]).toMatchObject({ route: "/data/:id", path: "/data/7", status: 404 });
    expect(unknown.logs[0]).toMatchObject({ path: "/nothing/here", status: 404 });
    expect(unknown.logs[0]).not.toHaveProperty("route");
    expect(wrongMethod.logs[0]).toMatchObject({ path: "/data", status: 405 });
    expect(wrongMethod.logs[0]).not.toHaveProperty("route");
  });
});

describe("business metrics", () => {
  it.each([
    { outcome: "a created record", request: { method: "POST", path: "/data", ...json({ name: "alpha" }) }, metric: "DataCreated" },
    { outcome: "a duplicate name", request: { method: "POST", path: "/data", ...json({ name: "taken" }) }, metric: "DuplicateRejected" },
    { outcome: "an invalid name", request: { method: "POST", path: "/data", ...json({ name: " " }) }, metric: "ValidationRejected" },
    { outcome: "malformed JSON", request: { method: "POST", path: "/data", ...json("{name:") }, metric: "ValidationRejected" },
    {
      outcome: "a body that is not JSON",
      request: { method: "POST", path: "/data", headers: { "content-type": "text/plain" }, body: "alpha" },
      metric: "ValidationRejected",
    },
    {
      outcome: "a body over the size limit",
      request: { method: "POST", path: "/data", ...json({ name: "x".repeat(70_000) }) },
      metric: "ValidationRejected",
    },
    { outcome: "a bad query parameter", request: { method: "GET", path: "/data", query: "limit=0" }, metric: "ValidationRejected" },
    { outcome: "a deleted record", request: { method: "DELETE", path: "/data/1" }, metric: "DataDeleted" },
  ] satisfies { outcome: string; request: EventInput; metric: string }[])(
    "counts $outcome as $metric in one EMF document flushed with the response",
    async ({ request, metric }) => {
      await database.db.query(`insert into data (name) values ('taken')`);
      const call = lambdaFunction(database.db);
      await call({ method: "GET", path: "/health" }); // takes the cold start out of the way

      const { metrics } = await call(request);

      expect(metrics).toHaveLength(1);
      expect(metricValues(metrics)).toEqual({ [metric]: 1 });
    },
  );

  it.each([
    { outcome: "a listing", request: { method: "GET", path: "/data" } },
    { outcome: "a missing record", request: { method: "DELETE", path: "/data/99" } },
    { outcome: "an unknown path", request: { method: "GET", path: "/missing" } },
  ] satisfies { outcome: string; request: EventInput }[])("counts nothing for $outcome", async ({ request }) => {
    const call = lambdaFunction(database.db);
    await call({ method: "GET", path: "/health" });

    const { metrics, logs } = await call(request);

    expect(logs).toHaveLength(1);
    expect(metrics).toEqual([]);
  });

  it.each([
    { outcome: "a write without a token (401)", request: { method: "POST", path: "/data", ...json({ name: "x" }) }, status: 401 },
    { outcome: "a delete without the write scope (403)", request: { method: "DELETE", path: "/data/1", authorizer: jwtClaims("u", "openid") }, status: 403 },
    {
      outcome: "a refused write with an invalid body (401 before 400)",
      request: { method: "POST", path: "/data", ...json("{name:") },
      status: 401,
    },
  ] satisfies { outcome: string; request: EventInput; status: number }[])(
    "counts nothing for $outcome on a signed-in stage: neither ValidationRejected nor DatabaseErrors",
    async ({ request, status }) => {
      const call = lambdaFunction(database.db, { writes: "signed-in" });
      await call({ method: "GET", path: "/health" });

      const { response, metrics, logs } = await call(request);

      expect(response.statusCode).toBe(status);
      expect(logs).toHaveLength(1);
      expect(metrics).toEqual([]);
    },
  );

  it("counts a keyed write once: its replay, which writes nothing, counts nothing", async () => {
    const call = lambdaFunction(database.db);
    await call({ method: "GET", path: "/health" });
    const keyed: EventInput = {
      method: "POST",
      path: "/data",
      headers: { "content-type": "application/json", "idempotency-key": '"retry-me"' },
      body: JSON.stringify({ name: "once" }),
    };

    const first = await call(keyed);
    const replay = await call(keyed);

    expect(replay.body).toEqual(first.body);
    expect(metricValues(first.metrics)).toEqual({ DataCreated: 1 });
    expect(replay.metrics).toEqual([]);
  });

  it("counts the cold start and the outcome of the first invocation in the same document", async () => {
    const call = lambdaFunction(database.db);

    const { metrics } = await call({ method: "POST", path: "/data", ...json({ name: "first" }) });

    expect(metrics).toHaveLength(1);
    expect(metricValues(metrics)).toEqual({ ColdStart: 1, DataCreated: 1 });
  });
});

describe("a failing database", () => {
  it("logs the unexpected error with its stack, answers a bare 500, and still flushes DatabaseErrors", async () => {
    const call = lambdaFunction(database.db);
    await call({ method: "GET", path: "/health" });
    // Schema drift, as after a release that expects a table the database does not have.
    await database.asOwner((owner) => owner.query(`alter table data rename to data_moved`));
    try {
      const { requestId, response, body, logs, metrics } = await call({ method: "GET", path: "/data" });

      expect(response.statusCode).toBe(500);
      expect(body).toEqual({ message: "Internal server error", requestId });
      expect(response.body).not.toMatch(/stack|at .*\.ts|relation/i);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({ level: "ERROR", status: 500, route: "/data", request_id: requestId });
      const error = logs[0]?.error as { message: string; stack: string; cause: { message: string } };
      expect(error.message).toMatch(/^Query failed: select/);
      expect(error.stack).toMatch(/\n\s+at /);
      expect(error.cause.message).toMatch(/relation "data" does not exist/);
      expect(metricValues(metrics)).toEqual({ DatabaseErrors: 1 });
    } finally {
      await database.asOwner((owner) => owner.query(`alter table data_moved rename to data`));
    }
  });

  it("counts an unreachable database as DatabaseErrors, on a request and on the health check", async () => {
    const unreachable = openPostgres({
      driver: "postgres",
      url: `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`,
      port: 5432,
      database: "nowhere",
      user: "postgres",
      iamAuth: false,
      ssl: "disable",
      maxConnections: 1,
      connectTimeoutSeconds: 1,
      queryTimeoutMs: 5_000,
    });
    try {
      const call = lambdaFunction(unreachable.db);
      const request = await call({ method: "GET", path: "/data" });
      const health = await call({ method: "GET", path: "/health" });

      expect(request.response.statusCode).toBe(503);
      expect(request.body).toEqual({ message: "Database unavailable" });
      expect(request.logs[0]?.error).toMatchObject({
        name: "DatabaseUnavailableError",
        cause: { message: expect.stringMatching(/^Query failed/), cause: { code: "ECONNREFUSED" } },
      });
      expect(metricValues(request.metrics)).toMatchObject({ DatabaseErrors: 1 });
      expect(health.response.statusCode).toBe(503);
      expect(health.logs[0]).toMatchObject({ level: "ERROR", status: 503, route: "/health" });
      expect(metricValues(health.metrics)).toEqual({ DatabaseErrors: 1 });
    } finally {
      await unreachable.close();
    }
  });
});

describe("in a terminal (npm start)", () => {
  async function serve(telemetry: Telemetry, url: string, init?: RequestInit) {
    const app = checkedAgainstDocument(createApp({ db: database.db, ...settings, telemetry }));
    return captureOutput(async () => app.request(url, init));
  }

  it("prints one readable line per request, debug included, and no metrics", async () => {
    const telemetry = terminalTelemetry(settings);
    const { lines, result } = await serve(telemetry, "/data/12", { method: "DELETE" });

    expect(result.status).toBe(404);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}DELETE \/data\/12 404 route=\/data\/:id latency_ms=[\d.]+ request_id=/);
    expect(lines[0]).not.toMatch(/[{}]|method=|status=|stage=|cold_start/);
    expect(telemetry.logger.getLevelName()).toBe("DEBUG");
    expect(telemetry.metrics).toBeUndefined();
  });

  it("prints an unexpected error's stack under its line", async () => {
    await database.asOwner((owner) => owner.query(`alter table data rename to data_moved`));
    try {
      const { lines } = await serve(terminalTelemetry(settings), "/data");

      expect(lines[0]).toMatch(/ ERROR GET \/data 500 /);
      expect(lines.slice(1).join("\n")).toMatch(/^QueryError: Query failed[\s\S]*\n\s+at [\s\S]*Caused by: .*relation "data" does not exist/);
    } finally {
      await database.asOwner((owner) => owner.query(`alter table data_moved rename to data`));
    }
  });

  it("writes what a request controls inert: an encoded line break or escape code cannot forge a line or colour the terminal", async () => {
    const { lines } = await serve(terminalTelemetry(settings), "/x%0a12:00:00.000%20ERROR%20forged%1b%5b31m%07");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("GET /x\\x0a12:00:00.000 ERROR forged\\x1b[31m\\x07 404");
    expect(lines[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it("keeps info as the cloud's level unless LOG_LEVEL says otherwise", () => {
    expect(cloudTelemetry(settings).logger.getLevelName()).toBe("INFO");
    expect(cloudTelemetry({ ...settings, logLevel: "debug" }).logger.getLevelName()).toBe("DEBUG");
    expect(terminalTelemetry({ ...settings, logLevel: "warn" }).logger.getLevelName()).toBe("WARN");
  });
});
