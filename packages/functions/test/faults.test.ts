import type { PostgresConfig } from "@data-api/core/db";
import { openPostgres } from "@data-api/core/db";
import { handle } from "hono/aws-lambda";
import postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOwnCluster, type OwnCluster } from "../../core/test/support/cluster";
import { migrationsFolder } from "../../core/test/support/database";
import { postJson, testApp } from "./support/app";
import { invoke } from "./support/events";

// The app connects as the API's role, whose server-side timeouts come from the migrations, on a server the test
// may lock, freeze and make read-only: never the machine's own at 5432.
const QUERY_TIMEOUT_MS = 3_000;
const HEALTH_TIMEOUT_MS = 1_000;

let cluster: OwnCluster;
let admin: postgres.Sql;

const appConfig = (): PostgresConfig => ({
  driver: "postgres",
  url: cluster.url("faults", "data_api"),
  port: cluster.port,
  database: "faults",
  user: "data_api",
  iamAuth: false,
  ssl: "disable",
  maxConnections: 3,
  connectTimeoutSeconds: 1,
  queryTimeoutMs: QUERY_TIMEOUT_MS,
});

function openApp() {
  const handleToDb = openPostgres(appConfig());
  const { app } = testApp(handleToDb.db, { healthTimeoutMs: HEALTH_TIMEOUT_MS });
  const lambda = handle(app);
  return { app, lambda, close: () => handleToDb.close() };
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

async function answer(app: ReturnType<typeof openApp>["app"], path: string, init?: RequestInit) {
  const response = await app.request(path, init);
  return { status: response.status, body: await response.json() };
}

/** Holds `mode` on the data table in an open transaction of another session until released. */
async function holdLock(mode: string) {
  const session = await admin.reserve();
  await session`begin`;
  await session.unsafe(`lock table data in ${mode} mode`);
  return async () => {
    await session`rollback`;
    session.release();
  };
}

const names = async () => (await admin`select name from data order by id`).map((row) => row.name as string);

beforeAll(async () => {
  cluster = await startOwnCluster();
  const bootstrap = postgres(cluster.url("postgres"), { onnotice: () => {} });
  await bootstrap`create database faults`;
  await bootstrap.end();
  const migrator = openPostgres({ ...appConfig(), url: cluster.url("faults"), user: "postgres" });
  await migrator.migrate(migrationsFolder);
  await migrator.close();
  admin = postgres(cluster.url("faults"), { onnotice: () => {}, max: 3 });
}, 60_000);

afterAll(async () => {
  await admin?.end({ timeout: 1 });
  cluster?.stop();
});

beforeEach(async () => {
  await admin`truncate data restart identity`;
});

describe("the API's role on the server", () => {
  it("gives up on locks, statements and abandoned transactions by itself", async () => {
    const session = postgres(cluster.url("faults", "data_api"), { max: 1, onnotice: () => {} });
    const [settings] = await session`select current_setting('lock_timeout') as lock, current_setting('statement_timeout') as statement,
      current_setting('idle_in_transaction_session_timeout') as idle`;
    await session.end();
    expect(settings).toEqual({ lock: "2s", statement: "4s", idle: "10s" });
  });
});

describe.each([
  ["ACCESS EXCLUSIVE", "a migration's lock", { reads: 503 }],
  ["EXCLUSIVE", "a lock that stops writes only", { reads: 200 }],
])("while another session holds %s on the table (%s)", (mode, _, expected) => {
  let app: ReturnType<typeof openApp>;
  beforeAll(() => {
    app = openApp();
  });
  afterAll(() => app.close());

  it("writes answer 503 JSON within the lock timeout, and nothing is written after the answer", async () => {
    const release = await holdLock(mode);
    try {
      const { result, ms } = await timed(() => answer(app.app, "/data", postJson({ name: "late" })));
      expect(result).toEqual({ status: 503, body: { message: "Database unavailable" } });
      expect(ms).toBeLessThan(QUERY_TIMEOUT_MS);
    } finally {
      await release();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await names()).toEqual([]);
    expect((await answer(app.app, "/data", postJson({ name: "after" }))).status).toBe(200);
  });

  it(`reads answer ${expected.reads} in bounded time, and /health says locked`, async () => {
    const release = await holdLock(mode);
    try {
      const read = await timed(() => answer(app.app, "/data"));
      expect(read.result.status).toBe(expected.reads);
      expect(read.ms).toBeLessThan(QUERY_TIMEOUT_MS);
      const health = await timed(() => answer(app.app, "/health"));
      expect(health.result).toMatchObject({ status: 503, body: { status: "error", checks: { database: "locked" } } });
      expect(health.ms).toBeLessThan(HEALTH_TIMEOUT_MS + 500);
    } finally {
      await release();
    }
    expect((await answer(app.app, "/health")).status).toBe(200);
  });

  it("on Lambda too: an API Gateway event gets the same 503 JSON", async () => {
    const release = await holdLock(mode);
    try {
      const result = await invoke(app.lambda, { method: "POST", path: "/data", headers: { "content-type": "application/json" }, body: '{"name":"x"}' });
      expect(result.statusCode).toBe(503);
      expect(result.headers["content-type"]).toMatch(/application\/json/);
      expect(JSON.parse(result.body)).toEqual({ message: "Database unavailable" });
    } finally {
      await release();
    }
  });
});

describe("a read-only database (default_transaction_read_only, as during some failovers)", () => {
  let app: ReturnType<typeof openApp>;
  beforeAll(async () => {
    await admin`alter role data_api set default_transaction_read_only = on`;
    app = openApp();
  });
  afterAll(async () => {
    await app.close();
    await admin`alter role data_api reset default_transaction_read_only`;
  });

  it("refuses writes with 503, not 500, serves reads, and /health reports it", async () => {
    expect(await answer(app.app, "/data", postJson({ name: "x" }))).toEqual({ status: 503, body: { message: "Database unavailable" } });
    expect((await answer(app.app, "/data")).status).toBe(200);
    expect(await answer(app.app, "/health")).toMatchObject({ status: 503, body: { status: "error", checks: { database: "read-only" } } });
    const lambda = await invoke(app.lambda, { method: "DELETE", path: "/data/1", pathParameters: { id: "1" } });
    expect(lambda.statusCode).toBe(503);
  });
});

describe("a database that stops answering (every process of it frozen) under load", () => {
  let app: ReturnType<typeof openApp>;
  beforeAll(async () => {
    app = openApp();
    expect((await answer(app.app, "/data")).status).toBe(200);
  });
  afterAll(() => app.close());

  it("answers every request 503 JSON within the query deadline, none of them waits behind the pool, and recovers", async () => {
    cluster.freeze();
    let during: { result: { status: number; body: unknown }[]; ms: number };
    let health: { result: { status: number; body: unknown }; ms: number };
    try {
      [during, health] = await Promise.all([
        timed(() =>
          Promise.all([
            ...Array.from({ length: 30 }, () => answer(app.app, "/data")),
            ...Array.from({ length: 10 }, (_, i) => answer(app.app, "/data", postJson({ name: `frozen ${i}` }))),
            // A keyed write is a transaction: bounded as a whole, its wait for a connection included.
            ...Array.from({ length: 5 }, (_, i) => answer(app.app, "/data", postJson({ name: `keyed ${i}` }, { "idempotency-key": `"k${i}"` }))),
          ]),
        ),
        timed(() => answer(app.app, "/health")),
      ]);
    } finally {
      cluster.thaw();
    }
    expect(new Set(during.result.map((reply) => JSON.stringify(reply)))).toEqual(
      new Set([JSON.stringify({ status: 503, body: { message: "Database unavailable" } })]),
    );
    // Forty-five requests on three connections: each had its own deadline, not a place in a queue.
    expect(during.ms).toBeLessThan(QUERY_TIMEOUT_MS + 1_000);
    expect(health.result).toMatchObject({ status: 503, body: { checks: { database: "unreachable" } } });
    expect(health.ms).toBeLessThan(HEALTH_TIMEOUT_MS + 500);
    await expect.poll(async () => (await answer(app.app, "/data")).status, { timeout: 15_000, interval: 500 }).toBe(200);
  });
});
