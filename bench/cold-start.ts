import { fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { databaseConfigFromEnv } from "@data-api/core/db";
import { openDatabase } from "@data-api/core/db/local";
import { sql } from "drizzle-orm";
import { paths } from "../packages/functions/src/paths";
import { httpApiEvent, lambdaContext } from "../packages/functions/test/support/events";
import { freshPostgres } from "./database";
import { bundleLikeSst, type Bundle } from "./sst-bundle";

// Cold-start budget of the API function (issue 5): module initialisation plus the first GET /data, in fresh
// Node processes, against the floor of plain Hono + postgres bundled the same way.
const RUNS = Number(process.env.COLD_RUNS ?? 21);
const MAX_RATIO = 1.5;
const MAX_BUNDLE_BYTES = 250 * 1024;
const ROWS = 100;

interface Sample {
  initMs: number;
  invokeMs: number;
  response: { statusCode: number; body: string };
  stdout: string;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** The migrated bench database with ROWS records, as a URL. */
async function seededDatabase(): Promise<string> {
  const url = await freshPostgres();
  const database = await openDatabase(databaseConfigFromEnv({ DATABASE_URL: url }));
  try {
    await database.migrate(paths.migrations);
    await database.db.execute(sql`insert into data (name) select 'record ' || n from generate_series(1, ${ROWS}) as n`);
    return url;
  } finally {
    await database.close();
  }
}

function coldStart(bundle: Bundle, env: NodeJS.ProcessEnv): Promise<Sample> {
  return new Promise((resolve, reject) => {
    // A bare node, as Lambda runs it: not the tsx loader this script runs under, which fork would pass on.
    const child = fork(here("invoke-once.mjs"), [bundle.file], {
      env,
      execArgv: [],
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    });
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.once("message", (result) => resolve({ ...(result as Omit<Sample, "stdout">), stdout }));
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`${bundle.file} exited with ${code}`));
    });
    child.send({ event: httpApiEvent({ method: "GET", path: "/data" }), context: lambdaContext() });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(9);

// What Lambda sets in an on-demand environment, and what the stacks give the function (stacks/index.ts, Api.ts):
// the floor runs with the same, source maps read at start-up included.
const lambdaEnv = {
  PATH: process.env.PATH,
  AWS_REGION: "eu-west-1",
  AWS_LAMBDA_FUNCTION_NAME: "data-api-bench-ApiFunction",
  AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
  NODE_OPTIONS: "--enable-source-maps",
  STAGE: "bench",
  LOG_LEVEL: "info",
  DATABASE_POOL_MAX: "1",
  DATABASE_URL: await seededDatabase(),
};

const outdir = await mkdtemp(join(tmpdir(), "data-api-cold-"));
try {
  const ours = await bundleLikeSst(here("../packages/functions/src/api.ts"), join(outdir, "ours"));
  const floor = await bundleLikeSst(here("floor.ts"), join(outdir, "floor"));
  const samples = new Map<Bundle, Sample[]>([
    [ours, []],
    [floor, []],
  ]);
  // One discarded round warms the OS file cache; then the two alternate, so load on the machine hits both alike.
  for (let round = 0; round <= RUNS; round++) {
    for (const [bundle, runs] of samples) {
      const sample = await coldStart(bundle, lambdaEnv);
      const { statusCode, body } = sample.response;
      if (statusCode !== 200) throw new Error(`${bundle.file} answered ${statusCode}: ${body}`);
      if (round > 0) runs.push(sample);
    }
  }

  const [ourFirst] = samples.get(ours)!;
  const [floorFirst] = samples.get(floor)!;
  if (ourFirst!.response.body !== floorFirst!.response.body || JSON.parse(ourFirst!.response.body).length !== ROWS) {
    throw new Error("The two handlers did not answer GET /data with the same records");
  }
  if (!/"cold_start":true/.test(ourFirst!.stdout) || !/"ColdStart":1/.test(ourFirst!.stdout)) {
    throw new Error("Our handler ran without its cold-start log line and metric; the measurement would flatter it");
  }

  const total = (runs: Sample[]) => median(runs.map((run) => run.initMs + run.invokeMs));
  console.log(`Cold start: module init + first GET /data (${ROWS} rows), median of ${RUNS} fresh processes each\n`);
  console.log(`           bundle     init     first call    total`);
  for (const [name, bundle] of [["ours", ours], ["floor", floor]] as const) {
    const runs = samples.get(bundle)!;
    const init = median(runs.map((run) => run.initMs));
    const call = median(runs.map((run) => run.invokeMs));
    console.log(`${name.padEnd(6)} ${kb(bundle.bytes).padStart(10)} ${ms(init)} ${ms(call)}    ${ms(total(runs))}`);
  }
  // Each round ran ours and the floor back to back, under the same load: compare them round by round.
  const floorRuns = samples.get(floor)!;
  const ratio = median(
    samples.get(ours)!.map((run, round) => (run.initMs + run.invokeMs) / (floorRuns[round]!.initMs + floorRuns[round]!.invokeMs)),
  );
  const ratioOk = ratio <= MAX_RATIO;
  const sizeOk = ours.bytes < MAX_BUNDLE_BYTES;
  console.log(`\nours/floor, median of the rounds: ${ratio.toFixed(2)} (budget ≤ ${MAX_RATIO}) ${ratioOk ? "ok" : "OVER BUDGET"}`);
  console.log(`our bundle: ${kb(ours.bytes)} (budget < ${kb(MAX_BUNDLE_BYTES)}) ${sizeOk ? "ok" : "OVER BUDGET"}`);
  if (!ratioOk || !sizeOk) process.exitCode = 1;
} finally {
  await rm(outdir, { recursive: true, force: true });
}
