import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts `npm start`'s server the way a user does, on a free port and a throw-away embedded database. */
async function startServer(pgliteDir: string): Promise<Running> {
  const env = { ...process.env, PORT: "0", PGLITE_DIR: pgliteDir, DATABASE_URL: "" };
  const child = spawn(process.execPath, ["--import", "tsx", "packages/functions/src/server.ts"], { cwd: root, env });
  let output = "";
  child.stderr!.on("data", (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output };
}

function stop(child: ChildProcess, signal: NodeJS.Signals) {
  return new Promise<{ code: number | null; elapsed: number }>((resolve) => {
    const started = performance.now();
    child.on("exit", (code) => resolve({ code, elapsed: performance.now() - started }));
    child.kill(signal);
  });
}

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
    const { code, elapsed } = await stop(server.child, "SIGTERM");
    expect(code).toBe(0);
    expect(elapsed).toBeLessThan(5_000);
  });

  it("keeps the rows after a restart, and stops on SIGINT", async () => {
    const server = await startServer(dir);
    const rows = await (await fetch(`${server.url}/data`)).json();
    expect(rows).toEqual([{ id: 1, name: "kept across restarts" }]);
    expect((await stop(server.child, "SIGINT")).code).toBe(0);
  });
});
