// Runs in a fresh Node process: loads a bundled handler, warms it up, then invokes it `count` times in a row, as
// a warm Lambda execution environment does, and reports the CPU time (user + system) each invocation took, then
// how much of what the invocations made a young garbage collection still finds alive.
// Usage (from bench/warm.ts): fork it with the bundle's path and the count, then send { event, context }.
// Needs --expose-gc, which Lambda's runtime passes too (bench/lambda.ts, lambdaNodeArgs).
import v8 from "node:v8";
import { performance } from "node:perf_hooks";
import process from "node:process";

const WARM_UP = 500;
const KEPT_CALLS = 200;

const youngBytes = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === "new_space").space_used_size;
const youngCollection = () => globalThis.gc({ type: "minor" });

process.once("message", async ({ event, context }) => {
  const { handler } = await import(process.argv[2]);
  const count = Number(process.argv[3]);
  const invoke = () => handler(event, { ...context, getRemainingTimeInMillis: () => 10_000 });
  let last;
  for (let i = 0; i < WARM_UP; i++) last = await invoke();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) last = await invoke();
  const { user, system } = process.cpuUsage(cpu);
  const wallMs = performance.now() - started;
  // Twice: the first copies what is alive within the young generation, the second moves it out of it.
  youngCollection();
  youngCollection();
  const before = youngBytes();
  for (let i = 0; i < KEPT_CALLS; i++) await invoke();
  youngCollection();
  const keptBytesPerCall = (youngBytes() - before) / KEPT_CALLS;
  const invocations = WARM_UP + count + KEPT_CALLS;
  process.send({ cpuUsPerCall: (user + system) / count, wallMsPerCall: wallMs / count, keptBytesPerCall, invocations, statusCode: last.statusCode }, () => process.exit(0));
});
