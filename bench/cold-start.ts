import { fork } from "node:child_process";
import { httpApiEvent, lambdaContext } from "../packages/functions/test/support/events";
import { benchEnv, here, lambdaNodeArgs, ROWS, withContenders } from "./lambda";
import { median } from "./median";
import type { Bundle } from "./sst-bundle";

// Cold-start budget of the API function (issue 16): module initialisation plus the first GET /data, in fresh
// Node processes, against the floor of plain Hono + postgres bundled the same way, with the same driver settings.
const RUNS = Number(process.env.COLD_RUNS ?? 21);
const MAX_RATIO = 1.25;
const MAX_BUNDLE_BYTES = 200 * 1024;

interface Sample {
  initMs: number;
  invokeMs: number;
  response: { statusCode: number; body: string };
  stdout: string;
}

function coldStart(bundle: Bundle, env: NodeJS.ProcessEnv): Promise<Sample> {
  return new Promise((resolve, reject) => {
    // Node as Lambda starts it, not with the tsx loader this script runs under (which fork would pass on).
    const child = fork(here("invoke-once.mjs"), [bundle.file], {
      env,
      execArgv: lambdaNodeArgs(),
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

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(9);

const env = await benchEnv();

await withContenders(async ({ ours, floor }) => {
  const samples = new Map<Bundle, Sample[]>([
    [ours, []],
    [floor, []],
  ]);
  // One discarded round warms the OS file cache; then the two alternate, each going first every other round, so
  // that load on the machine, and whatever a process pays for running first, falls on both alike.
  for (let round = 0; round <= RUNS; round++) {
    const order = round % 2 ? [...samples].reverse() : [...samples];
    for (const [bundle, runs] of order) {
      const sample = await coldStart(bundle, env);
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
});
