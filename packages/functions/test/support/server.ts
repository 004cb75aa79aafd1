import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Since the process was spawned (runServer) or signalled (stop). */
  elapsedMs: number;
}

export interface RunningServer {
  url: string;
  /** The server's own process (node, not npm): for /proc/<pid>, and what a lock file names. */
  pid: number;
  /** Everything the process printed so far, stdout and stderr. */
  output(): string;
  /** Sends `signal` and resolves with the exit code once the process is gone (at once if it already is). */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

export interface FinishedServer extends Exit {
  stdout: string;
  stderr: string;
}

/** The server `npm start` runs (packages/functions/src/server.ts), on a free port, with `env` on top of ours. */
function spawnServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "packages/functions/src/server.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const printed = { all: "", stdout: "", stderr: "" };
  // Always drained, so a chatty server never blocks on a full pipe. Decoded once, by a decoder that keeps a
  // character split between two chunks whole.
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => ((printed.all += chunk), (printed.stdout += chunk)));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => ((printed.all += chunk), (printed.stderr += chunk)));
  // "close", not "exit": by then both pipes are drained too.
  const closed = once(child, "close") as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, printed, closed };
}

function stopper(child: ChildProcess, closed: Promise<[number | null, NodeJS.Signals | null]>) {
  return async (signal: NodeJS.Signals = "SIGTERM"): Promise<Exit> => {
    const started = performance.now();
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const [code, received] = await closed;
    return { code, signal: received, elapsedMs: performance.now() - started };
  };
}

/** Starts the server and resolves once it says where it listens; rejects with its output if it exits first. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const { child, printed, closed } = spawnServer(env);
  const url = await new Promise<string>((resolve, reject) => {
    // Removed once found: under load (bench/http.ts) the output grows by megabytes, and a regular expression run
    // over all of it on every chunk cost this process, and the two cores it shares with the server, a core's worth.
    const lookForUrl = () => {
      const match = /listening on (http:\/\/\S+)/.exec(printed.stdout);
      if (!match) return;
      child.stdout.off("data", lookForUrl);
      resolve(match[1]!);
    };
    child.stdout.on("data", lookForUrl);
    void closed.then(([code, signal]) => reject(new Error(`server exited with ${code ?? signal}:\n${printed.all}`)));
  });
  return { url, pid: child.pid!, output: () => printed.all, stop: stopper(child, closed) };
}

/** Runs a server that is expected not to start, and resolves with how it ended and what it printed. */
export async function runServer(env: Record<string, string>, timeoutMs = 20_000): Promise<FinishedServer> {
  const started = performance.now();
  const { child, printed, closed } = spawnServer(env);
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const [code, signal] = await closed;
  clearTimeout(timer);
  return { code, signal, elapsedMs: performance.now() - started, stdout: printed.stdout, stderr: printed.stderr };
}
