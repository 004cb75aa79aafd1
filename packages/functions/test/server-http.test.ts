import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE_HEADERS, REFERENCE_PAGE, referencePolicy } from "../src/host/page-headers";
import { PIPELINE_LIMITS } from "../src/host/pipelining";
import { RawConnection } from "./support/raw-http";
import { startServer, type RunningServer } from "./support/server";

/** The HTTP layer of `npm start` as a client sees it over a raw socket: refusals, keep-alive, pipelining, the page. */

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const webDist = join(repoRoot, "packages/web/dist");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server process's resident memory, in MiB. */
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

const postName = (url: string, name: string) =>
  fetch(`${url}/data`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });

async function timedFetch(url: string) {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

const databases: [string, Record<string, string>][] = [["PGlite", { DATABASE_URL: "" }]];
if (process.env.DATABASE_URL) databases.push(["PostgreSQL", { DATABASE_URL: process.env.DATABASE_URL }]);

describe.each(databases)("the HTTP layer of npm start, on %s", { timeout: 60_000 }, (_, databaseEnv) => {
  let dir: string;
  let server: RunningServer;

  beforeAll(async () => {
    // The server serves the page only if it was built; npm start builds it first, and so does this.
    if (!existsSync(join(webDist, "index.html"))) execFileSync("npm", ["run", "build", "-w", "@data-api/web"], { cwd: repoRoot, stdio: "ignore" });
    dir = await mkdtemp(join(tmpdir(), "data-api-http-"));
    server = await startServer({ PGLITE_DIR: dir, ...databaseEnv, REQUEST_TIMEOUT_MS: "1000", LOG_LEVEL: "info" });
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function exchange(request: string) {
    const connection = new RawConnection(server.url);
    await connection.connected();
    await connection.write(request);
    const [response] = await connection.waitForResponses(1);
    return { connection, response: response! };
  }

  describe("answers what it refuses by itself in JSON, with a message, and closes the connection", () => {
    it.each([
      ["garbage", "HELLO WORLD\r\n\r\n", 400],
      ["20 KB of headers", `GET /data HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431],
      ["a CONNECT (this is no proxy)", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 405],
    ])("%s", async (_, request, status) => {
      const { connection, response } = await exchange(request);
      expect(response.status).toBe(status);
      expect(response.headers["content-type"]).toBe("application/json");
      expect(response.headers.connection).toBe("close");
      expect(JSON.parse(response.body)).toEqual({ message: expect.any(String) });
      expect(await connection.waitForEnd()).toBe(true);
      expect(connection.error).toBeUndefined();
      connection.destroy();
    });

    it("a request whose headers do not arrive in time (408)", async () => {
      const started = performance.now();
      const { connection, response } = await exchange("GET /data HTTP/1.1\r\nHost: x\r\n");
      expect(response.status).toBe(408);
      expect(response.headers["content-type"]).toBe("application/json");
      expect(response.headers.connection).toBe("close");
      expect(JSON.parse(response.body).message).toMatch(/did not arrive in time/);
      // REQUEST_TIMEOUT_MS=1000, checked four times a second (Node's default: every 30 s).
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(await connection.waitForEnd()).toBe(true);
      connection.destroy();
    });

    it.each([
      ["without Host", "GET /data HTTP/1.1\r\n\r\n", 400],
      ["with an Expect other than 100-continue", "GET /data HTTP/1.1\r\nHost: x\r\nExpect: telepathy\r\n\r\n", 417],
    ])("a request %s", async (_, request, status) => {
      const { connection, response } = await exchange(request);
      expect(response.status).toBe(status);
      expect(response.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(response.body)).toEqual({ message: expect.any(String) });
      connection.destroy();
    });

    it("logs each refusal as one line, without a stack", async () => {
      // The server writes its lines together, at most every 20 ms.
      await expect.poll(() => server.output()).toMatch(/INFO +HTTP 431 /);
      expect(server.output()).toMatch(/INFO +HTTP 400 Malformed HTTP request/);
      expect(server.output()).not.toMatch(/^\s+at /m);
    });
  });

  describe("a body refused while the client is still sending it (413)", () => {
    const LARGE = 1024 * 1024;
    const head = (length: number) =>
      `POST /data HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

    it("says the connection closes, and closes it cleanly: the next request is answered or meets a FIN, never a reset", async () => {
      const connection = new RawConnection(server.url);
      await connection.connected();
      await connection.write(head(LARGE));
      await connection.write(Buffer.alloc(100 * 1024, "a"));
      const [refused] = await connection.waitForResponses(1);
      expect(refused!.status).toBe(413);
      expect(refused!.headers.connection).toBe("close");
      expect(JSON.parse(refused!.body).message).toMatch(/at most 64 KiB/);

      // A keep-alive client reuses the connection a moment later (past @hono/node-server's 500 ms drain).
      await sleep(700);
      await connection.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      await expect.poll(() => connection.endedAt !== undefined || connection.responses().length > 1, { timeout: 5_000 }).toBe(true);
      connection.socket.end();
      expect(await connection.waitForClose()).toBe(true);
      expect(connection.error).toBeUndefined();
      const [, next] = connection.responses();
      if (next) expect(next.status).toBe(200);
      else expect(connection.endedAt).toBeDefined();
    });

    it("reads and drops the rest of a body the client keeps sending, and closes without a reset, even if the client reads late", async () => {
      const connection = new RawConnection(server.url);
      await connection.connected();
      connection.socket.pause();
      const size = 8 * 1024 * 1024;
      const sent = connection.write(Buffer.concat([Buffer.from(head(size)), Buffer.alloc(size, "a")]));
      await sleep(300);
      connection.socket.resume();
      await sent;
      const [refused] = await connection.waitForResponses(1);
      expect(refused!.status).toBe(413);
      expect(connection.error).toBeUndefined();
      connection.destroy();
    });
  });

  describe("a client that pipelines thousands of requests and never reads", () => {
    it("gets a few run, then its connection closed; memory stays bounded and the server stays responsive", async () => {
      // GET /data answers 100 rows, as in the benchmark.
      for (let i = 0; i < 100; i += 1) expect((await postName(server.url, `piped-${process.pid}-${Date.now()}-${i}`)).status).toBe(200);
      const logged = () => (server.output().match(/GET \/data 200/g) ?? []).length;
      const loggedBefore = logged();
      const rssBefore = rssMiB(server.pid);

      const connection = new RawConnection(server.url);
      await connection.connected();
      connection.socket.pause();
      await connection.write("GET /data HTTP/1.1\r\nHost: x\r\n\r\n".repeat(5_000));

      let rssMax = rssBefore;
      const samples = setInterval(() => (rssMax = Math.max(rssMax, rssMiB(server.pid))), 100);
      try {
        // Someone else's request is not stuck behind the flood.
        const fresh = await timedFetch(`${server.url}/health`);
        expect(fresh.status).toBe(200);
        expect(fresh.ms).toBeLessThan(1_000);
        expect(await connection.waitForEnd(5_000)).toBe(true);
        await sleep(2_000);
      } finally {
        clearInterval(samples);
      }
      const ran = logged() - loggedBefore;
      console.info(`pipelined 5000: ran ${ran}, RSS ${rssBefore.toFixed(0)} -> max ${rssMax.toFixed(0)} MiB`);
      expect(ran).toBeLessThanOrEqual(PIPELINE_LIMITS.running + PIPELINE_LIMITS.waiting);
      expect(rssMax - rssBefore).toBeLessThan(200);
      // Nothing more runs once the connection is gone.
      await sleep(1_000);
      expect(logged() - loggedBefore).toBe(ran);
      expect((await timedFetch(`${server.url}/data`)).ms).toBeLessThan(1_000);
      expect(server.output()).toMatch(/WARN +closed a connection that pipelined more than 64 requests/);
    });

    it("still answers a client that pipelines a few requests, in order, on a connection kept open", async () => {
      const connection = new RawConnection(server.url);
      await connection.connected();
      await connection.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n".repeat(20));
      const responses = await connection.waitForResponses(40);
      expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 ? 404 : 200)));
      expect(connection.endedAt).toBeUndefined();
      connection.destroy();
    });
  });

  describe("the page", () => {
    const index = () => readFileSync(join(webDist, "index.html"), "utf8");

    it("comes with its security headers, and no HSTS over plain HTTP", async () => {
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index())![1]!;
      for (const path of ["/", asset]) {
        const response = await fetch(`${server.url}${path}`);
        expect(response.status).toBe(200);
        for (const [name, value] of Object.entries(PAGE_HEADERS)) expect(response.headers.get(name), `${path} ${name}`).toBe(value);
        expect(response.headers.get("strict-transport-security")).toBeNull();
      }
      expect((await fetch(`${server.url}${asset}`)).headers.get("cache-control")).toMatch(/immutable/);
    });

    it("names the request like any answer of the API, and keeps its own caching", async () => {
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index())![1]!;
      for (const [path, caching] of [["/", "no-cache"], [asset, "public, max-age=31536000, immutable"]] as const) {
        const response = await fetch(`${server.url}${path}`, { headers: { "X-Request-Id": "page-1" } });
        expect(response.headers.get("x-request-id"), path).toBe("page-1");
        expect(response.headers.get("x-correlation-id"), path).toBe("page-1");
        expect(response.headers.get("cache-control"), path).toBe(caching);
      }
    });

    it("needs nothing its Content-Security-Policy forbids", () => {
      const html = index();
      // No inline script or style, no style attributes, no other origins: everything comes from /assets.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
      const urls = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
      for (const url of urls) expect(url, url).toMatch(/^(\/assets\/|\/data$|\/reference\.html$|data:,$)/);
    });

    it("serves the API reference with the page's headers but for inline styles, which Scalar needs", async () => {
      const response = await fetch(`${server.url}${REFERENCE_PAGE}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/<script type="module" crossorigin src="\/assets\/reference-[\w-]+\.js">/);
      expect(response.headers.get("content-security-policy")).toBe(referencePolicy());
      for (const [name, value] of Object.entries(PAGE_HEADERS)) {
        if (name !== "Content-Security-Policy") expect(response.headers.get(name), name).toBe(value);
      }
    });
  });
});
