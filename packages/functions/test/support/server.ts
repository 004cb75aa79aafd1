import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
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

/**
 * The server `npm start` runs (packages/functions/src/server.ts), on a free port, with `env` on top of ours; its
 * stdout read by this process, or written by the server straight into `stdoutFile`.
 */
function spawnServer(env: Record<string, string>, stdoutFile?: string) {
  const stdout = stdoutFile === undefined ? "pipe" : openSync(stdoutFile, "w");
  const child = spawn(process.execPath, ["--import", "tsx", "packages/functions/src/server.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", stdout, "pipe"],
  });
  if (typeof stdout === "number") closeSync(stdout);
  const printed = { all: "", stdout: "", stderr: "" };
  // Always drained, so a chatty server never blocks on a full pipe. Decoded once, by a decoder that keeps a
  // character split between two chunks whole.
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => ((printed.all += chunk), (printed.stdout += chunk)));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => ((printed.all += chunk), (printed.stderr += chunk)));
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

export interface StartOptions {
  /**
   * A file the server writes its stdout into, which this process does not read while the server runs: under load
   * (bench/http.ts) the server prints a line a request, and reading them here took 10-19 us of CPU a request from
   * the two cores the server shares, which a server printing nothing never pays. Its output is then the file's.
   */
  stdoutFile?: string;
}

const LISTENING = /listening on (http:\/\/\S+)/;

/** Starts the server and resolves once it says where it listens; rejects with its output if it exits first. */
export async function startServer(env: Record<string, string>, { stdoutFile }: StartOptions = {}): Promise<RunningServer> {
  const { child, printed, closed } = spawnServer(env, stdoutFile);
  const output = stdoutFile === undefined ? () => printed.all : () => readFileSync(stdoutFile, "utf8") + printed.stderr;
  const url = await new Promise<string>((resolve, reject) => {
    const lookForUrl = () => {
      const match = LISTENING.exec(stdoutFile === undefined ? printed.stdout : readFileSync(stdoutFile, "utf8"));
      if (!match) return;
      clearInterval(polling);
      child.stdout?.off("data", lookForUrl);
      resolve(match[1]!);
    };
    // Removed once found: under load the output grows by megabytes, and a regular expression run over all of it on
    // every chunk cost this process, and the two cores it shares with the server, a core's worth.
    child.stdout?.on("data", lookForUrl);
    // A file tells nobody when it grows: it is looked at until the line is there.
    const polling = stdoutFile === undefined ? undefined : setInterval(lookForUrl, 20);
    void closed.then(([code, signal]) => {
      clearInterval(polling);
      reject(new Error(`server exited with ${code ?? signal}:\n${output()}`));
    });
  });
  return { url, pid: child.pid!, output, stop: stopper(child, closed) };
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
