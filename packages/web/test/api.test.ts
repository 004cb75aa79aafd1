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

let apiUrl: string;
let api: ReturnType<typeof createApi>;

beforeAll(async () => {
  apiUrl = await startApi({});
  api = createApi(apiUrl);
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

/**
 * The real API behind a line that, while `lose` is set, passes each write on and then cuts the connection before
 * its answer gets back: the write happened, the page never heard. Records the Idempotency-Key of each write.
 */
async function losingAnswers() {
  const line = { lose: true, keys: [] as (string | undefined)[] };
  const url = await listen(
    createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const key = request.headers["idempotency-key"] as string | undefined;
      if (request.method === "POST") line.keys.push(key);
      const answer = await fetch(`${apiUrl}${request.url}`, {
        method: request.method,
        headers: { "content-type": request.headers["content-type"] ?? "", ...(key && { "idempotency-key": key }) },
        body: request.method === "POST" ? Buffer.concat(chunks) : undefined,
      });
      if (line.lose && request.method === "POST") return response.destroy();
      response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "" }).end(await answer.text());
    }),
  );
  return { url, line };
}

describe("the API client's adds, retried", () => {
  it("retries an add whose answer was lost with its key: the person gets their record, stored once, not 'Data already exists'", async () => {
    const { url, line } = await losingAnswers();
    const client = createApi(url);
    await expect(client.add("Hedy")).rejects.toBeInstanceOf(ApiUnreachableError);
    line.lose = false;
    const added = await client.add("Hedy");
    expect(added.name).toBe("Hedy");
    expect((await api.list(undefined, 1000)).items.filter((item) => item.name === "Hedy")).toEqual([added]);
    expect(line.keys[0]).toMatch(/^"[0-9a-f]{32}"$/);
    expect(line.keys).toEqual([line.keys[0], line.keys[0]]);
  });

  it("sends a fresh key for every other add, and for the same name once it was added", async () => {
    const { url, line } = await losingAnswers();
    line.lose = false;
    const client = createApi(url);
    await client.add("Lise");
    await client.add("Emmy");
    await expect(client.add("Lise")).rejects.toMatchObject({ status: 409, message: "Data already exists" });
    expect(new Set(line.keys).size).toBe(3);
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

describe("the API client's writes on a stage that needs signing in", () => {
  /** An API stand-in that accepts only `valid` tokens, and records what each request carried. */
  async function guardedApi(valid: Set<string>) {
    const seen: { method: string; path: string; authorization?: string }[] = [];
    const url = await listen(
      createServer((request, response) => {
        const authorization = request.headers.authorization;
        seen.push({ method: request.method!, path: request.url!, authorization });
        const json = (status: number, body: unknown) =>
          response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
        if (request.method === "GET") return json(200, []);
        if (!valid.has(authorization?.replace(/^Bearer /, "") ?? "")) return json(401, { message: "Sign in to add or delete records" });
        if (request.method === "POST") return json(201, { id: 7, name: "Ada" });
        response.writeHead(204).end();
      }),
    );
    return { url, seen };
  }

  it("sends the access token on writes only", async () => {
    const { url, seen } = await guardedApi(new Set(["good"]));
    const api = createApi(url, { auth: { token: () => "good" } });
    await api.list();
    expect(await api.add("Ada")).toEqual({ id: 7, name: "Ada" });
    await api.remove(7);
    expect(seen.map(({ method, authorization }) => [method, authorization])).toEqual([
      ["GET", undefined],
      ["POST", "Bearer good"],
      ["DELETE", "Bearer good"],
    ]);
  });

  it("renews a refused token and retries the write once", async () => {
    const { url, seen } = await guardedApi(new Set(["fresh"]));
    let rejected = 0;
    const api = createApi(url, { auth: { token: async () => "stale", renew: async () => "fresh", rejected: () => rejected++ } });
    await api.remove(7);
    expect(seen.map(({ authorization }) => authorization)).toEqual(["Bearer stale", "Bearer fresh"]);
    expect(rejected).toBe(0);
  });

  it("reports the session over when renewing does not help, with the API's own words", async () => {
    const { url, seen } = await guardedApi(new Set());
    let rejected = 0;
    const renewedOnce = createApi(url, { auth: { token: () => "stale", renew: async () => "also-stale", rejected: () => rejected++ } });
    await expect(renewedOnce.add("Ada")).rejects.toMatchObject({ status: 401, message: "Sign in to add or delete records" });
    expect(seen.map(({ authorization }) => authorization)).toEqual(["Bearer stale", "Bearer also-stale"]);
    expect(rejected).toBe(1);

    seen.length = 0;
    const cannotRenew = createApi(url, { auth: { token: () => "stale", renew: async () => undefined, rejected: () => rejected++ } });
    await expect(cannotRenew.remove(7)).rejects.toMatchObject({ status: 401 });
    expect(seen).toHaveLength(1);
    expect(rejected).toBe(2);

    // Signed out: the write goes without a token, and nothing is renewed.
    seen.length = 0;
    let renewals = 0;
    const signedOut = createApi(url, { auth: { token: () => undefined, renew: async () => (renewals++, "x"), rejected: () => rejected++ } });
    await expect(signedOut.add("Ada")).rejects.toMatchObject({ status: 401 });
    expect(seen.map(({ authorization }) => authorization)).toEqual([undefined]);
    expect(renewals).toBe(0);
  });
});
