import type { Server } from "node:http";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PgliteFolderError } from "@data-api/core/db/local";
import { QueryError } from "../../core/src/db/database";
import { createHttpServer, listen, urlOf } from "../src/host/http-server";
import { PIPELINE_LIMITS } from "../src/host/pipelining";
import { refusalFor } from "../src/host/refusals";
import { hostSettings } from "../src/host/settings";
import { CannotStart, reasonOf, startStep } from "../src/host/startup";
import { RawConnection } from "./support/raw-http";

/** The host's pieces in this process: the HTTP server around a stand-in app, the settings, the start-up messages. */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the HTTP server around the app", () => {
  let server: Server;
  let url: string;
  const logged: { level: string; entry: unknown }[] = [];
  const logger = {
    info: (entry: unknown, ..._: unknown[]) => void logged.push({ level: "info", entry }),
    warn: (entry: unknown, ..._: unknown[]) => void logged.push({ level: "warn", entry }),
    error: (entry: unknown, ..._: unknown[]) => void logged.push({ level: "error", entry }),
  };
  /** What /held does: counts, then waits until the test lets it answer. */
  const held = { calls: 0, running: 0, most: 0, release: () => {}, gate: Promise.resolve() };
  const hold = () => {
    held.gate = new Promise<void>((resolve) => (held.release = resolve));
  };

  beforeAll(async () => {
    const app = new Hono()
      .get("/held", async (c) => {
        held.calls += 1;
        held.running += 1;
        held.most = Math.max(held.most, held.running);
        await held.gate;
        held.running -= 1;
        return c.json({ ok: true });
      })
      .get("/dribble", () => {
        // Headers and a first chunk out, the rest never: an answer half-written.
        const body = new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode("first")) });
        return new Response(body, { headers: { "content-type": "text/plain" } });
      })
      .post("/small", bodyLimit({ maxSize: 1024, onError: (c) => c.json({ message: "too large" }, 413) }), (c) => c.json({ ok: true }));
    server = createHttpServer({
      fetch: (request, env) => {
        if (new URL(request.url).pathname === "/crash") throw new Error("the app itself failed");
        return app.fetch(request, env);
      },
      requestTimeoutMs: 30_000,
      logger,
    });
    url = urlOf(await listen(server, 0, "127.0.0.1"));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    Object.assign(held, { calls: 0, running: 0, most: 0 });
    logged.length = 0;
  });

  async function pipeline(request: string, count: number) {
    const connection = new RawConnection(url);
    await connection.connected();
    await connection.write(request.repeat(count));
    return connection;
  }

  it(`runs at most ${PIPELINE_LIMITS.running} requests of a connection at once, and answers all of them in order`, async () => {
    hold();
    const connection = await pipeline("GET /held HTTP/1.1\r\nHost: x\r\n\r\n", 30);
    await expect.poll(() => held.running).toBe(PIPELINE_LIMITS.running);
    await sleep(50);
    expect(held.calls).toBe(PIPELINE_LIMITS.running);
    held.release();
    const responses = await connection.waitForResponses(30);
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(held.most).toBe(PIPELINE_LIMITS.running);
    connection.destroy();
  });

  it("closes a connection that queues more, and runs nothing more of it", async () => {
    hold();
    const connection = await pipeline("GET /held HTTP/1.1\r\nHost: x\r\n\r\n", 200);
    expect(await connection.waitForEnd()).toBe(true);
    held.release();
    await sleep(50);
    expect(held.calls).toBe(PIPELINE_LIMITS.running);
    expect(logged).toContainEqual({ level: "warn", entry: expect.objectContaining({ message: expect.stringMatching(/pipelined more than 64/) }) });
  });

  it("never runs the waiting requests of a client that hung up", async () => {
    hold();
    const connection = await pipeline("GET /held HTTP/1.1\r\nHost: x\r\n\r\n", 20);
    await expect.poll(() => held.running).toBe(PIPELINE_LIMITS.running);
    connection.destroy();
    await sleep(50);
    held.release();
    await sleep(50);
    expect(held.calls).toBe(PIPELINE_LIMITS.running);
  });

  it("does not write a refusal into an answer already on its way: it closes the connection", async () => {
    const connection = await pipeline("GET /dribble HTTP/1.1\r\nHost: x\r\n\r\n", 1);
    await expect.poll(() => connection.bytes().toString()).toMatch(/first/);
    await connection.write("NONSENSE\r\n\r\n");
    expect(await connection.waitForEnd()).toBe(true);
    expect(connection.bytes().toString()).not.toMatch(/HTTP\/1\.1 400/);
  });

  it("answers a body refused before it arrived with Connection: close", async () => {
    const connection = new RawConnection(url);
    await connection.connected();
    await connection.write("POST /small HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
    const [refused] = await connection.waitForResponses(1);
    expect(refused).toMatchObject({ status: 413, headers: { connection: "close" } });
    await connection.write(Buffer.alloc(100_000, "a"));
    expect(await connection.waitForEnd()).toBe(true);
    connection.destroy();
  });

  it("keeps a connection open after a small body it read whole", async () => {
    const connection = await pipeline('POST /small HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}', 2);
    const responses = await connection.waitForResponses(2);
    expect(responses.map((response) => [response.status, response.headers.connection])).toEqual([
      [200, "keep-alive"],
      [200, "keep-alive"],
    ]);
    connection.destroy();
  });

  it.each([
    ["garbage", "HELLO\r\n\r\n", 400, /^Malformed HTTP request: /],
    ["headers over 16 KiB", `GET /held HTTP/1.1\r\nHost: x\r\nX: ${"a".repeat(17_000)}\r\n\r\n`, 431, /at most 16 KiB/],
    ["a CONNECT", "CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n", 405, /not a proxy/],
    ["an Expect it cannot meet", "GET /held HTTP/1.1\r\nHost: x\r\nExpect: miracles\r\n\r\n", 417, /100-continue/],
    ["a request without Host", "GET /held HTTP/1.1\r\n\r\n", 400, /^Bad request: Missing host header$/],
  ])("refuses %s in JSON", async (_, request, status, message) => {
    const connection = await pipeline(request, 1);
    const [response] = await connection.waitForResponses(1);
    expect(response).toMatchObject({ status, headers: { "content-type": "application/json" } });
    expect(JSON.parse(response!.body).message).toMatch(message);
    connection.destroy();
  });

  it("answers a failure of the app's fetch itself with a JSON 500, and logs it as an error", async () => {
    const response = await fetch(`${url}/crash`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: "Internal server error" });
    expect(logged.map(({ level }) => level)).toEqual(["error"]);
  });

  it("does not take a client's hang-up mid-request for a malformed request", async () => {
    const connection = new RawConnection(url);
    await connection.connected();
    await connection.write("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{");
    connection.socket.end();
    expect(await connection.waitForClose()).toBe(true);
    expect(connection.bytes().toString()).not.toMatch(/HTTP\/1\.1 400/);
    expect(JSON.stringify(logged)).not.toMatch(/Malformed/);
  });
});

describe("a client too slow to send its request", () => {
  it("gets a JSON 408 once the request timeout passes, and the connection closed", async () => {
    const server = createHttpServer({ fetch: () => new Response("{}"), requestTimeoutMs: 200, logger: { info() {}, warn() {}, error() {} } });
    const url = urlOf(await listen(server, 0, "127.0.0.1"));
    try {
      const connection = new RawConnection(url);
      await connection.connected();
      await connection.write("GET / HTTP/1.1\r\nHost: x\r\n");
      const [response] = await connection.waitForResponses(1, 2_000);
      expect(response).toMatchObject({ status: 408, headers: { connection: "close", "content-type": "application/json" } });
      expect(JSON.parse(response!.body).message).toBe("The request did not arrive in time: its headers within 0.2 s, all of it within 0.2 s");
      expect(await connection.waitForEnd()).toBe(true);
      connection.destroy();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("what the HTTP layer refuses", () => {
  it("maps the parser's and the server's errors to a status", () => {
    const timeouts = { headersMs: 10_000, requestMs: 30_000 };
    const refusal = (code: string, reason?: string) => refusalFor(Object.assign(new Error(code), { code, reason }), timeouts);
    expect(refusal("HPE_HEADER_OVERFLOW").status).toBe(431);
    expect(refusal("HPE_CHUNK_EXTENSIONS_OVERFLOW").status).toBe(413);
    expect(refusal("ERR_HTTP_REQUEST_TIMEOUT").status).toBe(408);
    expect(refusal("HPE_INVALID_METHOD", "Invalid method encountered")).toEqual({
      status: 400,
      message: "Malformed HTTP request: Invalid method encountered",
    });
    expect(refusal("HPE_SOMETHING_ELSE")).toEqual({ status: 400, message: "Malformed HTTP request" });
  });
});

describe("the URL it prints", () => {
  it.each([
    [{ address: "127.0.0.1", family: "IPv4", port: 3000 }, "http://127.0.0.1:3000"],
    [{ address: "::1", family: "IPv6", port: 3000 }, "http://[::1]:3000"],
    [{ address: "0.0.0.0", family: "IPv4", port: 8080 }, "http://0.0.0.0:8080"],
  ])("for %o is %s", (address, expected) => expect(urlOf(address)).toBe(expected));
});

describe("the settings of npm start", () => {
  it("listens on loopback, port 3000, and gives a request 30 s, unless told otherwise", () => {
    expect(hostSettings({})).toEqual({ host: "127.0.0.1", port: 3000, requestTimeoutMs: 30_000 });
    expect(hostSettings({ HOST: " 0.0.0.0 ", PORT: "0", REQUEST_TIMEOUT_MS: "1000" })).toEqual({
      host: "0.0.0.0",
      port: 0,
      requestTimeoutMs: 1_000,
    });
  });

  it("refuses a malformed value by name", () => {
    expect(() => hostSettings({ PORT: "65536", REQUEST_TIMEOUT_MS: "soon" })).toThrow(
      'Invalid server settings: PORT must be an integer from 0 to 65535, not "65536"; REQUEST_TIMEOUT_MS must be an integer from 100 to 3600000, not "soon"',
    );
  });
});

describe("why a start failed, in one line", () => {
  const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

  it.each([
    ["a socket error, by its code", coded("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1"), /^connection refused/],
    ["the innermost cause", new QueryError("select 1", { cause: coded("ECONNREFUSED") }), /^connection refused/],
    ["the first error of an AggregateError", new AggregateError([coded("EADDRNOTAVAIL"), coded("ECONNREFUSED")]), /^not an address/],
    ["PostgreSQL's own message", Object.assign(new Error('database "nope" does not exist'), { code: "3D000" }), /^database "nope" does not exist$/],
    ["the first line of anything else", new Error("first line\nsecond line"), /^first line$/],
    ["something thrown that is no Error", "a string", /^a string$/],
  ])("%s", (_, error, reason) => expect(reasonOf(error)).toMatch(reason));

  it("names the step, or the folder when the embedded database's folder was the problem", async () => {
    await expect(startStep("PostgreSQL at db:5432/x", () => Promise.reject(coded("ENOTFOUND")))).rejects.toThrow(
      new CannotStart("PostgreSQL at db:5432/x", "host not found"),
    );
    const folder = new PgliteFolderError("/data", "in use by process 7");
    await expect(startStep("the database", () => Promise.reject(folder))).rejects.toMatchObject({
      message: "embedded database in /data (in use by process 7)",
    });
    const inner = new CannotStart("the environment", "PORT is wrong");
    await expect(startStep("outer", () => Promise.reject(inner))).rejects.toBe(inner);
    expect(await startStep("fine", () => 42)).toBe(42);
  });
});
