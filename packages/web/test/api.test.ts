import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { databaseConfigFromEnv } from "@data-api/core/db";
import { openDatabase } from "@data-api/core/db/local";
import type { DatabaseHandle } from "@data-api/core/db";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../functions/src/app";
import { paths } from "../../functions/src/paths";
import { silentTelemetry } from "../../functions/test/support/app";
import { ApiError, ApiUnreachableError, createApi } from "../src/api";
import { describeError } from "../src/messages";
import { closedPort } from "./support/net";

const servers: Server[] = [];
const databases: DatabaseHandle[] = [];

async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The real API over real HTTP, on a database of the given configuration. */
async function startApi(env: Record<string, string>): Promise<string> {
  const database = await openDatabase(databaseConfigFromEnv(env));
  databases.push(database);
  if (database.description.includes("PGlite")) await database.migrate(paths.migrations);
  const app = createApp({ db: database.db, stage: "test", version: "1.2.3", healthTimeoutMs: 1_000, telemetry: silentTelemetry() });
  return listen(serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server);
}

/** Something in front of the API answering on its behalf, as a gateway or a misrouted CDN does. */
const proxyAnswering = (status: number, contentType: string, body: string) =>
  listen(createServer((_request, response) => response.writeHead(status, { "content-type": contentType }).end(body)));

let api: ReturnType<typeof createApi>;

beforeAll(async () => {
  api = createApi(await startApi({}));
});

afterAll(async () => {
  for (const server of servers) server.closeAllConnections?.();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await Promise.all(databases.map((database) => database.close()));
});

describe("the API client against the real API", () => {
  it("adds names and pages through them by the Link header", async () => {
    const added = [];
    for (const name of ["Ada", "Grace", "Alan", "Katherine", "Edsger"]) added.push(await api.add(name));
    expect(added.map((item) => item.name)).toEqual(["Ada", "Grace", "Alan", "Katherine", "Edsger"]);

    const first = await api.list(undefined, 2);
    expect(first).toEqual({ items: added.slice(0, 2), next: added[1]!.id });
    const second = await api.list(first.next, 2);
    expect(second).toEqual({ items: added.slice(2, 4), next: added[3]!.id });
    const last = await api.list(second.next, 2);
    expect(last).toEqual({ items: added.slice(4), next: undefined });
  });

  it("keeps only id and name of a created record", async () => {
    const created = await api.add("  Barbara  ");
    expect(Object.keys(created).sort()).toEqual(["id", "name"]);
    expect(created.name).toBe("Barbara");
  });

  it("reports the API's own words for a duplicate, an invalid name and a missing record", async () => {
    await api.add("Margaret");
    await expect(api.add("Margaret")).rejects.toMatchObject({ status: 409, message: "Data already exists" });
    await expect(api.add("x".repeat(101))).rejects.toMatchObject({
      status: 400,
      issues: [{ field: "name", message: "name must be at most 100 characters" }],
    });
    const { id } = await api.add("Frances");
    await api.remove(id);
    const gone = await api.remove(id).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(ApiError);
    expect(gone).toMatchObject({ status: 404, message: "Data not found" });
  });

  it("reads the health report", async () => {
    expect(await api.health()).toEqual({ status: "ok", checks: { database: "ok" }, version: "1.2.3", stage: "test" });
  });
});

describe("the API client when things go wrong", () => {
  it("returns the health report of an API whose database is down, and explains the 503 of its data", async () => {
    const port = await closedPort();
    const down = createApi(
      await startApi({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/none`, DATABASE_CONNECT_TIMEOUT: "1" }),
    );
    expect(await down.health()).toEqual({
      status: "error",
      checks: { database: "unreachable" },
      version: "1.2.3",
      stage: "test",
    });
    const failure = await down.list().catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 503 });
    expect(describeError(failure)).toMatch(/database is not answering/);
  });

  it("says the API is unreachable when nothing listens", async () => {
    const nowhere = createApi(`http://127.0.0.1:${await closedPort()}`);
    await expect(nowhere.list()).rejects.toBeInstanceOf(ApiUnreachableError);
    await expect(nowhere.add("Ada")).rejects.toBeInstanceOf(ApiUnreachableError);
    await expect(nowhere.health()).rejects.toBeInstanceOf(ApiUnreachableError);
  });

  it("gives up on an API that does not answer in time", async () => {
    const silent = await listen(createServer(() => {}));
    await expect(createApi(silent, { timeoutMs: 200 }).list()).rejects.toBeInstanceOf(ApiUnreachableError);
  });

  it("turns a gateway's HTML error page into an error with its status", async () => {
    const gateway = createApi(await proxyAnswering(502, "text/html", "<h1>502 Bad Gateway</h1>"));
    await expect(gateway.list()).rejects.toMatchObject({ status: 502, message: "The API answered 502 Bad Gateway" });
    await expect(gateway.health()).rejects.toMatchObject({ status: 502 });
  });

  it("refuses a 200 that is not the API talking (VITE_API_URL pointing at the web site)", async () => {
    const website = createApi(await proxyAnswering(200, "text/html", "<!doctype html><title>data-api</title>"));
    await expect(website.list()).rejects.toMatchObject({ message: "The API answered in an unexpected shape" });
    await expect(website.add("Ada")).rejects.toMatchObject({ message: "The API answered in an unexpected shape" });
    await expect(website.health()).rejects.toMatchObject({ message: "The API answered in an unexpected shape" });
  });
});
