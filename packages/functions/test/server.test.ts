import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authEnv } from "../src/host/auth-settings";
import { contentSecurityPolicy } from "../src/host/page-headers";
import { startOidcProvider, type TestOidcProvider } from "./support/oidc";
import { runServer, startServer as start, type FinishedServer } from "./support/server";
import { closedPort } from "./support/tcp";

/** The server on a throw-away embedded database, as on a machine with no PostgreSQL. */
const startServer = (pgliteDir: string, env: Record<string, string> = {}) =>
  start({ PGLITE_DIR: pgliteDir, DATABASE_URL: "", ...env });

const postName = (url: string, name: string) =>
  fetch(`${url}/data`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });

const names = async (url: string) =>
  ((await (await fetch(`${url}/data?limit=1000`)).json()) as { name: string }[]).map((row) => row.name).sort();

/** The addresses a port is listened on, from the kernel's socket tables (state 0A: LISTEN). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const addresses: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, portOf] = local?.split(":") ?? [];
      if (state !== "0A" || portOf !== hexPort || !address) continue;
      // IPv4 is little-endian hex: 0100007F is 127.0.0.1.
      addresses.push(address.length === 8 ? address.match(/../g)!.reverse().map((byte) => parseInt(byte, 16)).join(".") : address);
    }
  }
  return addresses;
}

/** A start that fails: exit code 1, quickly, one line naming what and why, and no stack trace. */
function expectRefusal(run: FinishedServer, line: RegExp) {
  expect(run.code, run.stdout + run.stderr).toBe(1);
  expect(run.elapsedMs).toBeLessThan(5_000);
  expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(run.stderr.trimEnd()).toMatch(line);
  expect(run.stderr + run.stdout).not.toMatch(/^\s+at /m);
}

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

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
    expect((await postName(server.url, "kept across restarts")).status).toBe(200);
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

  it("listens on loopback only, and says so, unless HOST says otherwise", async () => {
    const local = await startServer(dir);
    const { port } = new URL(local.url);
    expect(local.url).toBe(`http://127.0.0.1:${port}`);
    expect(listeningAddresses(Number(port))).toEqual(["127.0.0.1"]);
    await local.stop();

    const everywhere = await startServer(dir, { HOST: "0.0.0.0" });
    const { port: open } = new URL(everywhere.url);
    expect(everywhere.url).toBe(`http://0.0.0.0:${open}`);
    expect(listeningAddresses(Number(open))).toEqual(["0.0.0.0"]);
    await everywhere.stop();
  });
});

describe("npm start with AUTH_ISSUER and AUTH_AUDIENCE: signed-in writes, tokens verified by the server", { timeout: 90_000 }, () => {
  let dir: string;
  let idp: TestOidcProvider;

  beforeAll(async () => {
    // The server serves the page only if it was built; npm start builds it first, and so does this.
    if (!existsSync(join(repoRoot, "packages/web/dist/index.html"))) {
      execFileSync("npm", ["run", "build", "-w", "@data-api/web"], { cwd: repoRoot, stdio: "ignore" });
    }
    dir = await mkdtemp(join(tmpdir(), "data-api-auth-"));
    idp = await startOidcProvider();
  });
  afterAll(async () => {
    await idp?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("says so, refuses a write without a token or the scope, takes one with it, and keeps reads public", async () => {
    const server = await startServer(dir, authEnv({ issuer: idp.issuer, audiences: [idp.audience] }) as Record<string, string>);
    try {
      expect(server.output()).toContain(`writes: signed-in (tokens of ${idp.issuer} for ${idp.audience})`);
      const post = (headers: Record<string, string>) =>
        fetch(`${server.url}/data`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ name: "Ada" }) });

      const anonymous = await post({});
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toBe("Bearer");
      expect(await anonymous.json()).toEqual({ message: expect.stringMatching(/^Sign in to add or delete records/) });
      const readOnly = await post({ authorization: `Bearer ${await idp.clientCredentials({ scope: "data/read" })}` });
      expect(readOnly.status).toBe(403);
      const writer = await post({ authorization: `Bearer ${await idp.clientCredentials({ scope: "data/write" })}` });
      expect(writer.status).toBe(200);

      expect(await (await fetch(`${server.url}/data`)).json()).toEqual([{ id: 1, name: "Ada" }]);
      // The page signs in there: its scripts may fetch the issuer's discovery document and token endpoint.
      const index = await fetch(`${server.url}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get("content-security-policy")).toBe(contentSecurityPolicy([idp.issuer]));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(server.output()).toMatch(/POST \/data 200 .*caller=machine/);
    } finally {
      await server.stop();
    }
  });

  it("without them, writes are public, and it says so", async () => {
    const server = await startServer(dir);
    try {
      expect(server.output()).toContain("writes: public");
      expect((await postName(server.url, "anyone's")).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it("refuses to start, in one line, when the issuer cannot be reached", async () => {
    const port = await closedPort();
    const issuer = `http://127.0.0.1:${port}`;
    const run = await runServer({ PGLITE_DIR: dir, DATABASE_URL: "", ...authEnv({ issuer, audiences: ["data-api"] }) });
    expectRefusal(run, new RegExp(`^data-api: cannot start: the token issuer ${escaped(issuer)} \\(connection refused.*\\)$`));
  });
});

describe("the embedded database belongs to one process", { timeout: 90_000 }, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "data-api-owner-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("a second server on the folder refuses to start, naming it and the owner; after a kill -9, the next one takes over with every row", async () => {
    const first = await startServer(dir);
    const answered = await Promise.all(Array.from({ length: 20 }, (_, i) => postName(first.url, `row-${i}`)));
    expect(answered.map((response) => response.status)).toEqual(Array(20).fill(200));

    const second = await runServer({ PGLITE_DIR: dir, DATABASE_URL: "" });
    expectRefusal(second, new RegExp(`^data-api: cannot start: embedded database in ${escaped(dir)} \\(in use by process ${first.pid}\\b.*\\)$`));
    // `npm run db:migrate` on the same folder refuses the same way.
    const migrate = spawnSync(process.execPath, ["--import", "tsx", "packages/functions/src/migrate-cli.ts"], {
      cwd: fileURLToPath(new URL("../../../", import.meta.url)),
      env: { ...process.env, PGLITE_DIR: dir, DATABASE_URL: "" },
      encoding: "utf8",
    });
    expect(migrate.status).toBe(1);
    expect(migrate.stderr.trim()).toMatch(new RegExp(`^data-api: cannot migrate: embedded database in ${escaped(dir)} \\(in use by process ${first.pid}\\b`));
    expect(await names(first.url)).toHaveLength(20);

    // SIGKILL runs no exit handler: the lock stays behind, naming a process that is gone.
    expect((await first.stop("SIGKILL")).signal).toBe("SIGKILL");
    expect(readFileSync(join(dir, "data-api.lock"), "utf8")).toMatch(new RegExp(`^${first.pid}\\b`));

    const third = await startServer(dir);
    expect(await names(third.url)).toEqual(Array.from({ length: 20 }, (_, i) => `row-${i}`).sort());
    expect((await third.stop("SIGTERM")).code).toBe(0);
    expect(existsSync(join(dir, "data-api.lock"))).toBe(false);
  });
});

describe("a start that cannot succeed says why, in one line, at once", { timeout: 60_000 }, () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "data-api-refusals-"));
    file = join(dir, "a-file");
    await writeFile(file, "not a folder");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  // The tests run as root, which may write in any folder of a normal file system, whatever its mode: these are
  // places not even root can write.
  it.each([
    // procfs answers root's mkdir with ENOENT, anyone else's with EACCES.
    ["a folder that cannot be created (under /proc)", () => "/proc/data-api-test", /cannot create it: (no such file or directory|permission denied)/],
    ["a folder nobody may write in (/sys)", () => "/sys", /cannot create files in it: permission denied/],
    ["a file instead of a folder", () => file, /it is a file, not a folder/],
    ["a folder under a file", () => join(file, "db"), /a-file is a file, not a folder/],
  ])("PGLITE_DIR is %s", async (_, path, reason) => {
    const run = await runServer({ PGLITE_DIR: path(), DATABASE_URL: "" });
    expectRefusal(run, new RegExp(`^data-api: cannot start: embedded database in ${escaped(path())} \\(.*${reason.source}.*\\)$`));
  });

  it("the port is in use, and the folder is left unlocked", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as { port: number };
    try {
      const pglite = join(dir, "db");
      const run = await runServer({ PGLITE_DIR: pglite, DATABASE_URL: "", PORT: String(port) }, 60_000);
      // The first start on a folder creates the database: it may take longer than a refusal should.
      expect(run.stderr.trimEnd()).toBe(
        `data-api: cannot start: listening on 127.0.0.1:${port} (address already in use: another process listens there; stop it or set PORT)`,
      );
      expect(run.code).toBe(1);
      expect(existsSync(join(pglite, "data-api.lock"))).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("PostgreSQL is down", async () => {
    const port = await closedPort();
    const run = await runServer({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres` });
    expectRefusal(run, new RegExp(`^data-api: cannot start: PostgreSQL at 127\\.0\\.0\\.1:${port}/postgres \\(connection refused.*\\)$`));
  });

  it("a setting is malformed", async () => {
    const run = await runServer({ PGLITE_DIR: dir, DATABASE_URL: "", PORT: "eighty" });
    expectRefusal(run, /^data-api: cannot start: the environment \(.*PORT must be an integer from 0 to 65535, not "eighty"\)$/);
  });
});
