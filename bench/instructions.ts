/**
 * Instructions per warm invocation of GET /data (100 rows), ours against the floor, counted by valgrind's callgrind:
 * the same count run after run, whatever else the machine does, where CPU time on a shared 2-core machine moves by
 * 20% (bench/warm.ts). Each bundle runs twice in a fresh process, with FEW and then MANY invocations; the
 * difference, divided by the invocations between them, is what one warm invocation executes, start-up and JIT
 * warm-up cancelled out. V8 runs single-threaded so that no background compiler or collector adds its own
 * schedule. Printed, not gated: the targets are in CPU time (bench/warm.ts); this tells where it goes.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { httpApiEvent, lambdaContext } from "../packages/functions/test/support/events";
import { benchEnv, here, lambdaNodeArgs, withContenders } from "./lambda";
import type { Bundle } from "./sst-bundle";

const FEW = 300;
const MANY = Number(process.env.INSTRUCTIONS_CALLS ?? 1_300);
const run = promisify(execFile);

/** The instructions a fresh process executes to load `bundle` and invoke it `count` times. */
async function instructions(bundle: Bundle, count: number, env: NodeJS.ProcessEnv): Promise<number> {
  const { stderr } = await run(
    "valgrind",
    ["--tool=callgrind", "--callgrind-out-file=/dev/null", "--smc-check=all-non-file", process.execPath, ...lambdaNodeArgs(), "--single-threaded", here("invoke-counted.mjs"), bundle.file, String(count)],
    { env, maxBuffer: 64 * 1024 * 1024 },
  );
  const collected = /Collected : (\d+)/.exec(stderr);
  if (!collected) throw new Error(`callgrind reported no count for ${bundle.file}:\n${stderr.slice(-2000)}`);
  return Number(collected[1]);
}

try {
  await run("valgrind", ["--version"]);
} catch {
  console.log("bench:instructions needs valgrind (Debian's package valgrind): skipped");
  process.exit(0);
}

const invocation = JSON.stringify({ event: httpApiEvent({ method: "GET", path: "/data" }), context: lambdaContext() });
const env = { ...(await benchEnv()), BENCH_INVOCATION: invocation };
await withContenders(async (contenders) => {
  const perCall: Record<string, number> = {};
  for (const [name, bundle] of Object.entries(contenders)) {
    // Both at once: a count does not depend on what else runs.
    const [many, few] = await Promise.all([instructions(bundle, MANY, env), instructions(bundle, FEW, env)]);
    perCall[name] = (many - few) / (MANY - FEW);
  }
  console.log(`Instructions per warm invocation of GET /data (100 rows), callgrind, ${MANY - FEW} invocations after ${FEW}\n`);
  for (const [name, count] of Object.entries(perCall)) console.log(`${name.padEnd(9)} ${Math.round(count).toLocaleString("en").padStart(12)}`);
  console.log(`\nours/floor: ${(perCall.ours! / perCall.floor!).toFixed(3)}; floor+log/floor: ${(perCall["floor+log"]! / perCall.floor!).toFixed(3)}`);
});
