// Runs in a fresh Node process under valgrind (bench/instructions.ts): loads a bundled handler and invokes it
// `count` times in a row with the invocation in BENCH_INVOCATION ({ event, context }), then exits. No IPC: the
// process must do the same work, instruction for instruction, whatever runs it.
import process from "node:process";

const { event, context } = JSON.parse(process.env.BENCH_INVOCATION);
const { handler } = await import(process.argv[2]);
const count = Number(process.argv[3]);
let response;
for (let i = 0; i < count; i++) response = await handler(event, { ...context, getRemainingTimeInMillis: () => 10_000 });
if (response.statusCode !== 200) throw new Error(`${process.argv[2]} answered ${response.statusCode}`);
process.exit(0);
