// Runs in a fresh Node process: loads a bundled handler, warms it up, then invokes it `count` times in a row, as
// a warm Lambda execution environment does, and reports the CPU time (user + system) each invocation took.
// Usage (from bench/warm.ts): fork it with the bundle's path and the count, then send { event, context }.
import { performance } from "node:perf_hooks";
import process from "node:process";

const WARM_UP = 500;

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
  process.send({ cpuUsPerCall: (user + system) / count, wallMsPerCall: wallMs / count, statusCode: last.statusCode }, () => process.exit(0));
});
