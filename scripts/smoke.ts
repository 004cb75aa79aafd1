/**
 * The smoke test CI runs after each deploy: the stage's `/health` answers 200 with status "ok" and its own stage
 * name, and `GET /data` answers 200 with a JSON list. Read-only, so it is safe against prod.
 *
 *   tsx scripts/smoke.ts --stage staging [--url https://api.example.com] [--outputs .sst/outputs.json]
 *
 * Without --url (or SMOKE_URL) the URL is the `ApiUrl` output that `sst deploy` wrote to .sst/outputs.json.
 */
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

export const API_URL_OUTPUT = "ApiUrl";

export interface SmokeOptions {
  /** The stage `/health` must report, so a smoke test never passes against the wrong stage. */
  stage: string;
  /** Whole rounds of checks; a fresh custom domain or cold function may need a few. */
  attempts?: number;
  delayMs?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** The one `ApiUrl` among the stacks' outputs of `.sst/outputs.json`. */
export function apiUrlFromOutputs(outputs: Record<string, Record<string, string>>, key = API_URL_OUTPUT): string {
  const urls = Object.values(outputs).flatMap((stackOutputs) => (stackOutputs[key] ? [stackOutputs[key]] : []));
  if (urls.length !== 1) {
    throw new Error(`Expected one "${key}" output in the deploy outputs, found ${urls.length}`);
  }
  return urls[0]!;
}

/** Runs the checks until they all pass or the attempts run out; throws the last failure. */
export async function smokeTest(baseUrl: string, options: SmokeOptions): Promise<void> {
  const { attempts = 5, delayMs = 10_000, log = console.log } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      await checkOnce(baseUrl, options, log);
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      log(`attempt ${attempt}/${attempts} failed: ${(error as Error).message}; retrying in ${delayMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

async function checkOnce(baseUrl: string, { stage, timeoutMs = 10_000 }: SmokeOptions, log: (line: string) => void) {
  const health = await getJson(baseUrl, "health", timeoutMs);
  const status = health.body as { status?: unknown; stage?: unknown; version?: unknown };
  if (status.status !== "ok") throw new Error(`GET /health: status is ${JSON.stringify(status.status)}, not "ok"`);
  if (status.stage !== stage) throw new Error(`GET /health: stage is ${JSON.stringify(status.stage)}, not "${stage}"`);
  log(`GET /health 200 in ${health.ms} ms: stage ${stage}, version ${String(status.version)}`);

  const data = await getJson(baseUrl, "data", timeoutMs);
  if (!Array.isArray(data.body)) throw new Error("GET /data: the body is not a JSON list");
  log(`GET /data 200 in ${data.ms} ms: ${data.body.length} records`);
}

async function getJson(baseUrl: string, path: string, timeoutMs: number) {
  const url = new URL(path, baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
  const started = performance.now();
  const response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`GET /${path}: the body is not JSON: ${text.slice(0, 200)}`);
  }
  return { body, ms: Math.round(performance.now() - started) };
}

async function main() {
  const { values } = parseArgs({
    options: {
      stage: { type: "string" },
      url: { type: "string", default: process.env.SMOKE_URL ?? "" },
      outputs: { type: "string", default: ".sst/outputs.json" },
    },
  });
  if (!values.stage) throw new Error("--stage is required");
  const url = values.url || apiUrlFromOutputs(JSON.parse(await readFile(values.outputs, "utf8")));
  console.log(`smoke test of ${values.stage} at ${url}`);
  await smokeTest(url, { stage: values.stage });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: Error) => {
    console.error(`smoke test failed: ${error.message}`);
    process.exit(1);
  });
}
