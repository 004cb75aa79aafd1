import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

export interface RunningApp {
  url: string;
  port: number;
  /** Everything the process printed, for the message of a failing test. */
  output(): string;
  stop(): Promise<void>;
}

/** Sends `name` to a process group; false once the group no longer exists. */
function signal(group: number, name: NodeJS.Signals | 0): boolean {
  try {
    process.kill(group, name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `npm start` as a person would (it builds the page, migrates, serves), on its own embedded database in
 * `pgliteDir`, on `port` (0: any free one). The database and sign-in settings of the test run are withheld on
 * purpose; `settings` adds the test's own (AUTH_ISSUER for the API, VITE_AUTH_* for the page it builds).
 */
export async function startApp(pgliteDir: string, port = 0, settings: Record<string, string> = {}): Promise<RunningApp> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["DATABASE_URL", "DB_HOST", "APP_VERSION", "NODE_OPTIONS", "WRITES", "AUTH_ISSUER", "AUTH_AUDIENCE"]) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith("VITE_")) delete env[name];
  Object.assign(env, { PORT: String(port), PGLITE_DIR: pgliteDir, STAGE: "local" }, settings);
  // A process group of its own, so that stopping it also stops the node process npm started.
  const child = spawn("npm", ["start"], { cwd: repoRoot, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = once(child, "exit");
  let stopping = false;
  // A server that dies under a test would otherwise only show as refused connections.
  void exited.then(([code, signal]) => {
    if (!stopping) console.error(`npm start exited unexpectedly (${code ?? signal}):\n${output}`);
  });

  const listening = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not listen within 90 s:\n${output}`)), 90_000);
    child.stdout.on("data", () => {
      // The address it really listens on (127.0.0.1 unless HOST says otherwise), as it prints it.
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]!);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`npm start exited:\n${output}`));
    });
  });

  return {
    url: listening,
    port: Number(new URL(listening).port),
    output: () => output,
    /** Stops the whole group and waits until its last process is gone, the database closed and the port free. */
    async stop() {
      stopping = true;
      const group = -child.pid!;
      signal(group, "SIGTERM");
      const started = Date.now();
      while (signal(group, 0)) {
        const waited = Date.now() - started;
        if (waited > 20_000) throw new Error(`npm start (group ${group}) survived SIGKILL:\n${output}`);
        if (waited > 15_000) signal(group, "SIGKILL");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}
