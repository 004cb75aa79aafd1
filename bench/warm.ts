import { fork } from "node:child_process";
import { httpApiEvent, lambdaContext } from "../packages/functions/test/support/events";
import { benchEnv, here, lambdaNodeArgs, withContenders } from "./lambda";
import { median } from "./median";
import type { Bundle } from "./sst-bundle";

// Warm invocations (issue 16): the CPU time of a GET /data (100 rows) in an execution environment that has
// served requests before, ours against the floor, each bundled as SST bundles it, with the production log level.
// Lambda bills by the millisecond of such time.
const CALLS = Number(process.env.WARM_CALLS ?? 3_000);
const ROUNDS = Number(process.env.WARM_ROUNDS ?? 5);
const MAX_RATIO = 1.3;

interface Round {
  cpuUsPerCall: number;
  wallMsPerCall: number;
  /** stdout lines per invocation: our log line and EMF document must still be written, to a pipe. */
  linesPerCall: number;
  /** What a young garbage collection still finds alive of what one invocation made, in bytes. */
  keptBytesPerCall: number;
}

function warmRun(bundle: Bundle, env: NodeJS.ProcessEnv): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = fork(here("invoke-many.mjs"), [bundle.file, String(CALLS)], { env, execArgv: lambdaNodeArgs(), stdio: ["ignore", "pipe", "inherit", "ipc"] });
    let lines = 0;
    // Counted natively: a loop over each byte took a core's worth of time from ours on a 2-core machine.
    child.stdout!.on("data", (chunk: Buffer) => {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
    });
    child.once("message", (result) => {
      const { statusCode, invocations, ...round } = result as Omit<Round, "linesPerCall"> & { statusCode: number; invocations: number };
      if (statusCode !== 200) reject(new Error(`${bundle.file} answered ${statusCode}`));
      // The pipe may still hold the last lines: count once the child is gone.
      child.once("exit", () => resolve({ ...round, linesPerCall: lines / invocations }));
    });
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`${bundle.file} exited with ${code}`));
    });
    child.send({ event: httpApiEvent({ method: "GET", path: "/data" }), context: lambdaContext() });
  });
}

const env = await benchEnv();
await withContenders(async (contenders) => {
  const names = Object.keys(contenders) as (keyof typeof contenders)[];
  const rounds = { ours: [] as Round[], floor: [] as Round[], "floor+log": [] as Round[] };
  // Alternating, the order reversed every other round, so that load on the machine falls on all alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) rounds[name].push(await warmRun(contenders[name], env));
  }
  // Every invocation writes its log line; an EMF document comes with each that counts something (a cold start,
  // a write, an error), which a warm GET /data does not.
  const ourLines = median(rounds.ours.map((round) => round.linesPerCall));
  if (ourLines < 1) throw new Error(`Ours wrote ${ourLines.toFixed(2)} lines per invocation: its log line is missing`);

  console.log(`Warm invocations: GET /data (100 rows), ${CALLS} calls after 500 to warm up, ${ROUNDS} alternating rounds, stdout to a pipe\n`);
  console.log(`          CPU per call   wall per call   stdout lines per call   kept by a young GC per call`);
  for (const [name, runs] of Object.entries(rounds)) {
    const cpu = median(runs.map((run) => run.cpuUsPerCall));
    const wall = median(runs.map((run) => run.wallMsPerCall));
    console.log(`${name.padEnd(9)} ${`${(cpu / 1000).toFixed(3)} ms`.padStart(11)} ${`${wall.toFixed(3)} ms`.padStart(15)} ${median(runs.map((run) => run.linesPerCall)).toFixed(2).padStart(23)} ${`${(median(runs.map((run) => run.keptBytesPerCall)) / 1024).toFixed(2)} KB`.padStart(29)}`);
  }
  const ratioTo = (name: keyof typeof rounds) => median(rounds[name].map((run, i) => run.cpuUsPerCall / rounds.floor[i]!.cpuUsPerCall));
  const ratio = ratioTo("ours");
  const ok = ratio <= MAX_RATIO;
  console.log(`\nfloor+log/floor (what one log line a call costs, for reference): ${ratioTo("floor+log").toFixed(2)}`);
  console.log(`ours/floor CPU per call, median of the rounds: ${ratio.toFixed(2)} (budget ≤ ${MAX_RATIO}) ${ok ? "ok" : "OVER BUDGET"}`);
  if (!ok) process.exitCode = 1;
});
