import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openPglite } from "../../src/db/pglite";
import { lockFolder, PgliteFolderError, prepareFolder, type FolderLock } from "../../src/db/pglite-folder";

/** The embedded database's folder: made ready, and owned by one process (packages/core/src/db/pglite-folder.ts). */

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "data-api-folder-"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const reasonOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PgliteFolderError);
    return (error as PgliteFolderError).reason;
  }
  throw new Error("did not throw");
};

describe("preparing the folder", () => {
  it("creates it and its missing parents, and accepts one that exists", () => {
    const folder = join(root, "a", "b", "c");
    prepareFolder(folder);
    expect(existsSync(folder)).toBe(true);
    prepareFolder(folder);
  });

  it.each([
    ["a file", (file: string) => file, /^it is a file, not a folder$/],
    ["under a file", (file: string) => join(file, "db"), /a-file is a file, not a folder$/],
    ["under /proc, where it cannot be created", () => "/proc/data-api-folder-test/db", /^cannot create \/proc\/data-api-folder-test: (no such file or directory|permission denied)$/],
  ])("refuses %s, saying why", async (_, path, reason) => {
    const file = join(root, "a-file");
    await writeFile(file, "");
    expect(reasonOf(() => prepareFolder(path(file)))).toMatch(reason);
  });
});

describe("the lock", () => {
  let folder: string;
  let lock: FolderLock | undefined;
  const lockFile = () => join(folder, "data-api.lock");

  beforeEach(async () => {
    folder = await mkdtemp(join(root, "db-"));
  });
  afterEach(() => lock?.release());

  /** A pid that belonged to a process which has exited. */
  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ["-e", ""]);
    await once(child, "exit");
    return child.pid!;
  }

  it("holds our pid while held, and is gone once released, leaving nothing else behind", () => {
    lock = lockFolder(folder);
    expect(readFileSync(lockFile(), "utf8")).toMatch(new RegExp(`^${process.pid} \\d+\\n$`));
    lock.release();
    lock.release();
    expect(readdirSync(folder)).toEqual([]);
  });

  it("refuses a second holder in this process", () => {
    lock = lockFolder(folder);
    expect(reasonOf(() => lockFolder(folder))).toBe(`already open in this process (${process.pid})`);
  });

  it("refuses while another live process holds it, naming that process", async () => {
    const owner = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      await once(owner, "spawn");
      const started = readFileSync(`/proc/${owner.pid}/stat`, "utf8").split(") ")[1]!.split(" ")[19];
      writeFileSync(lockFile(), `${owner.pid} ${started}\n`);
      expect(reasonOf(() => lockFolder(folder))).toMatch(new RegExp(`^in use by process ${owner.pid};`));
      expect(readFileSync(lockFile(), "utf8")).toBe(`${owner.pid} ${started}\n`);
    } finally {
      owner.kill("SIGKILL");
    }
  });

  it.each([
    ["a process that is gone (kill -9)", async () => `${await deadPid()} 12345\n`],
    ["a pid since reused by another process (its start time differs)", async () => `${process.ppid} 1\n`],
    ["our own pid, from a previous life (a container restarted)", async () => `${process.pid} 1\n`],
    ["nothing readable", async () => "garbage"],
  ])("takes over a lock left by %s", async (_, contents) => {
    writeFileSync(lockFile(), await contents());
    lock = lockFolder(folder);
    expect(readFileSync(lockFile(), "utf8")).toMatch(new RegExp(`^${process.pid} `));
    expect(readdirSync(folder)).toEqual(["data-api.lock"]);
  });

  it("does not remove a lock that is no longer ours", () => {
    lock = lockFolder(folder);
    writeFileSync(lockFile(), "1 1\n");
    lock.release();
    expect(readFileSync(lockFile(), "utf8")).toBe("1 1\n");
  });

  it("tells a folder it cannot write in", () => {
    expect(reasonOf(() => lockFolder("/sys"))).toBe("cannot create files in it: permission denied");
  });
});

describe("opening the embedded database on a folder", { timeout: 60_000 }, () => {
  it("holds the folder until closed, refusing a second opener meanwhile", async () => {
    const folder = join(root, "opened");
    const database = await openPglite({ driver: "pglite", dataDir: folder });
    try {
      expect(existsSync(join(folder, "data-api.lock"))).toBe(true);
      await expect(openPglite({ driver: "pglite", dataDir: folder })).rejects.toThrow(
        new PgliteFolderError(folder, `already open in this process (${process.pid})`),
      );
    } finally {
      await database.close();
    }
    expect(existsSync(join(folder, "data-api.lock"))).toBe(false);
  });

  it("says PGlite could not open it, and leaves it unlocked", async () => {
    const folder = join(root, "not-a-database");
    await mkdir(folder);
    await writeFile(join(folder, "PG_VERSION"), "garbage\n");
    await expect(openPglite({ driver: "pglite", dataDir: folder })).rejects.toMatchObject({
      reason: expect.stringMatching(/^cannot open the database: /),
    });
    expect(existsSync(join(folder, "data-api.lock"))).toBe(false);
  });
});
