import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer as start } from "./support/server";

/** The server on a throw-away embedded database, as on a machine with no PostgreSQL. */
const startServer = (pgliteDir: string) => start({ PGLITE_DIR: pgliteDir, DATABASE_URL: "" });

describe("the local server (npm start)", { timeout: 90_000 }, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "data-api-server-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("migrates, serves, says where and on what, and stops cleanly on SIGTERM", async () => {
    const server = await startServer(dir);
    expect(server.output()).toContain(`database: embedded PGlite in ${dir}`);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const created = await fetch(`${server.url}/data`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "kept across restarts" }),
    });
    expect(created.status).toBe(200);
    const { code, elapsedMs } = await server.stop("SIGTERM");
    expect(code).toBe(0);
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it("keeps the rows after a restart, and stops on SIGINT", async () => {
    const server = await startServer(dir);
    const rows = await (await fetch(`${server.url}/data`)).json();
    expect(rows).toEqual([{ id: 1, name: "kept across restarts" }]);
    expect((await server.stop("SIGINT")).code).toBe(0);
  });
});
