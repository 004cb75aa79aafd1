/**
 * Throughput and latency of `npm start` on PGlite and on the local PostgreSQL, printed as a table.
 * Target (issue 3): GET /data at 32 connections >= 1,250 req/s with p99 < 50 ms on PostgreSQL, 100 rows.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { freshPostgres } from "./database";
import { startServer } from "../packages/functions/test/support/server";

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TARGET = { route: "GET /data", database: "PostgreSQL", minRps: 1_250, maxP99: 50 };

interface Row {
  database: string;
  route: string;
  rps: number;
  p50: number;
  p99: number;
  failures: number;
}

async function seed(url: string, count: number) {
  for (let i = 0; i < count; i += 1) {
    const response = await fetch(`${url}/data`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: `seed-${i}` }),
    });
    if (response.status !== 200) throw new Error(`seeding failed: ${response.status}`);
  }
}

const WARM_UP_SECONDS = 3;

async function load(database: string, route: string, options: autocannon.Options): Promise<Row> {
  // Unmeasured first: V8 compiles the hot path during the first second or two, which is not the steady state.
  await autocannon({ connections: CONNECTIONS, duration: WARM_UP_SECONDS, ...options });
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  return {
    database,
    route,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

async function measure(database: string, env: Record<string, string>): Promise<Row[]> {
  const server = await startServer(env);
  try {
    await seed(server.url, 100);
    let counter = 0;
    return [
      await load(database, "GET /data", { url: `${server.url}/data` }),
      await load(database, "GET /health", { url: `${server.url}/health` }),
      await load(database, "POST /data", {
        url: `${server.url}/data`,
        requests: [
          {
            method: "POST",
            headers: { "content-type": "application/json" },
            setupRequest: (request) => ({ ...request, body: JSON.stringify({ name: `bench-${process.pid}-${counter++}` }) }),
          },
        ],
      }),
    ];
  } finally {
    await server.stop();
  }
}

const pgliteDir = await mkdtemp(join(tmpdir(), "data-api-bench-"));
const rows = [
  ...(await measure("PGlite", { PGLITE_DIR: pgliteDir, DATABASE_URL: "" })),
  ...(await measure("PostgreSQL", { DATABASE_URL: await freshPostgres() })),
];
await rm(pgliteDir, { recursive: true, force: true });

console.log(`\nnpm start under load: ${CONNECTIONS} connections, ${SECONDS} s per route, 100 seeded rows\n`);
console.table(rows.map(({ database, route, rps, p50, p99, failures }) => ({
  database, route, "req/s": rps, "p50 ms": p50, "p99 ms": p99, "non-2xx/errors": failures,
})));

const target = rows.find((row) => row.route === TARGET.route && row.database === TARGET.database)!;
const met = target.rps >= TARGET.minRps && target.p99 < TARGET.maxP99 && target.failures === 0;
console.log(
  `\n${TARGET.route} on ${TARGET.database}: ${target.rps} req/s (target >= ${TARGET.minRps}), ` +
    `p99 ${target.p99} ms (target < ${TARGET.maxP99}): ${met ? "MET" : "NOT MET"}`,
);
process.exitCode = met ? 0 : 1;
