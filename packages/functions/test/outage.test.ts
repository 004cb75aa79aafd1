import { openPostgres } from "@data-api/core/db";
import type { PostgresConfig } from "@data-api/core/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../core/test/support/database";
import { postJson, testApp } from "./support/app";
import { closedPort, cuttableProxy, silentServer } from "./support/tcp";

const postgresAt = (port: number, database = "postgres"): PostgresConfig => ({
  driver: "postgres",
  url: `postgres://postgres@127.0.0.1:${port}/${database}`,
  port,
  database,
  user: "postgres",
  iamAuth: false,
  ssl: "disable",
  maxConnections: 2,
  connectTimeoutSeconds: 1,
  queryTimeoutMs: 5_000,
});

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

const UNAVAILABLE = { message: "Database unavailable" };
const UNREACHABLE = { status: "error", checks: { database: "unreachable" }, version: "1.2.3", stage: "test" };

describe.each([
  ["refuses connections", async () => ({ port: await closedPort(), close: async () => {} })],
  ["accepts connections but never answers", silentServer],
])("when the database %s", (_, start) => {
  let server: Awaited<ReturnType<typeof start>>;
  let app: ReturnType<typeof testApp>["app"];
  let close: () => Promise<void>;

  beforeAll(async () => {
    server = await start();
    const handle = openPostgres(postgresAt(server.port));
    close = () => handle.close();
    ({ app } = testApp(handle.db, { healthTimeoutMs: 500 }));
  });
  afterAll(async () => {
    await close();
    await server.close();
  });

  it("health answers 503 within its deadline", async () => {
    const [response, elapsed] = await timed(async () => app.request("/health"));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual(UNREACHABLE);
    expect(elapsed).toBeLessThan(1_500);
  });

  it.each([
    ["POST /data", "/data", postJson({ name: "lost" })],
    ["GET /data", "/data", {}],
    ["DELETE /data/1", "/data/1", { method: "DELETE" }],
  ])("%s answers a clear 503 in bounded time", async (_, path, init) => {
    const [response, elapsed] = await timed(async () => app.request(path, init));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual(UNAVAILABLE);
    expect(elapsed).toBeLessThan(5_000);
  });
});

describe.runIf(process.env.DATABASE_URL)("when the network to a real database drops and comes back", () => {
  let proxy: Awaited<ReturnType<typeof cuttableProxy>>;
  let reference: TestDatabase;
  let app: ReturnType<typeof testApp>["app"];
  let close: () => Promise<void>;

  beforeAll(async () => {
    reference = await openTestDatabase();
    await reference.reset();
    const url = new URL(process.env.DATABASE_URL!);
    proxy = await cuttableProxy({ host: url.hostname, port: Number(url.port || 5432) });
    const handle = openPostgres(postgresAt(proxy.port, url.pathname.slice(1)));
    close = () => handle.close();
    ({ app } = testApp(handle.db, { healthTimeoutMs: 500 }));
  });
  afterAll(async () => {
    await close();
    await proxy.close();
    await reference.close();
  });

  it("fails writes with 503 while down, writes nothing half-way, and recovers", async () => {
    expect((await app.request("/data", postJson({ name: "before" }))).status).toBe(200);

    await proxy.cut();
    const during = await app.request("/data", postJson({ name: "during" }));
    expect(during.status).toBe(503);
    expect(await during.json()).toEqual(UNAVAILABLE);
    expect((await app.request("/health")).status).toBe(503);

    await proxy.restore();
    expect((await app.request("/health")).status).toBe(200);
    expect((await app.request("/data", postJson({ name: "after" }))).status).toBe(200);
    const names = (await (await app.request("/data")).json()).map((row: { name: string }) => row.name);
    expect(names).toEqual(["before", "after"]);
  });
});
