import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = "/usr/lib/postgresql/15/bin";

/** Root may not run PostgreSQL: its tools run as the postgres system user. */
function asPostgres(command: string, args: string[]): string {
  const user = process.getuid?.() === 0 ? ["-u", "postgres"] : [];
  const runner = user.length ? "runuser" : command;
  const argv = user.length ? [...user, "--", command, ...args] : args;
  return execFileSync(runner, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface OwnCluster {
  port: number;
  /** A connection URL to `database` as `user` (trust authentication). */
  url(database: string, user?: string): string;
  /** The processes of the cluster (postmaster and backends), for freezing it with SIGSTOP. */
  pids(): number[];
  /** Stops every process of the cluster in place (SIGSTOP): a server that accepts nothing and answers nothing. */
  freeze(): void;
  thaw(): void;
  stop(): void;
}

/**
 * A PostgreSQL 15 cluster of the test's own, in a temporary folder on a free port, so that a test may lock,
 * freeze or stop it without touching the machine's server at 127.0.0.1:5432.
 */
export async function startOwnCluster(): Promise<OwnCluster> {
  const dir = mkdtempSync(join(tmpdir(), "data-api-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const port = await freePort();
  asPostgres(`${BIN}/initdb`, ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  asPostgres(`${BIN}/pg_ctl`, ["-D", data, "-w", "-l", join(dir, "log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
  const postmaster = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  const pids = () =>
    [postmaster, ...execFileSync("pgrep", ["-P", String(postmaster)], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number)];
  const signal = (name: NodeJS.Signals) => {
    for (const pid of pids()) {
      try {
        process.kill(pid, name);
      } catch (error) {
        // A backend may end between the listing and the signal.
        if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
      }
    }
  };
  return {
    port,
    url: (database, user = "postgres") => `postgres://${user}@127.0.0.1:${port}/${database}`,
    pids,
    freeze: () => signal("SIGSTOP"),
    thaw: () => signal("SIGCONT"),
    stop() {
      try {
        signal("SIGCONT");
        asPostgres(`${BIN}/pg_ctl`, ["-D", data, "-m", "immediate", "stop"]);
      } catch {
        signal("SIGKILL");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
