// Runs in a fresh Node process: loads a bundled handler and invokes it once, as a Lambda cold start does.
// Usage (from bench/cold-start.ts): fork it with the bundle's path, then send { event, context }.
import { performance } from "node:perf_hooks";
import process from "node:process";

process.once("message", async ({ event, context }) => {
  const started = performance.now();
  const { handler } = await import(process.argv[2]);
  const loaded = performance.now();
  const response = await handler(event, { ...context, getRemainingTimeInMillis: () => 10_000 });
  const answered = performance.now();
  process.send({ initMs: loaded - started, invokeMs: answered - loaded, response }, () => process.exit(0));
});
