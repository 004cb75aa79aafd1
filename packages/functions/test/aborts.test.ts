import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./support/server";

describe("a client that goes away mid-request (npm start)", { timeout: 60_000 }, () => {
  let dir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "data-api-aborts-"));
    server = await startServer({ PGLITE_DIR: dir, DATABASE_URL: "", LOG_LEVEL: "info" });
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("is logged as the client's doing (499), not as a server error", async () => {
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(`POST /data HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();
    await expect.poll(() => server.output(), { timeout: 5_000 }).toMatch(/POST \/data 499/);
    expect(server.output()).not.toMatch(/ERROR|POST \/data 500/);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
