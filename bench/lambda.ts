import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { databaseConfigFromEnv, type PostgresConfig } from "@data-api/core/db";
import { openDatabase } from "@data-api/core/db/local";
import { connectionOptions } from "../packages/core/src/db/postgres";
import { resolveStageConfig } from "../stacks/config";
import { paths } from "../packages/functions/src/paths";
import { freshPostgres } from "./database";
import { FLOOR_OPTIONS } from "./floor";
import { bundleLikeSst, type Bundle } from "./sst-bundle";

/** The Lambda benchmarks' common ground: the same database, environment and bundling for ours and the floor. */

export const ROWS = 100;
export const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** The migrated bench database with ROWS records, as a URL. */
async function seededDatabase(): Promise<string> {
  const url = await freshPostgres();
  const database = await openDatabase(databaseConfigFromEnv({ DATABASE_URL: url }));
  try {
    await database.migrate(paths.migrations);
    await database.db.query(`insert into data (name) select 'record ' || n from generate_series(1, $1::int) as n`, [ROWS]);
    return url;
  } finally {
    await database.close();
  }
}

/** The production function's memory, as the stage config gives it to the stack. */
const MEMORY_MIB = resolveStageConfig("prod", { DATA_API_DOMAIN: "bench.invalid", DATA_API_ALARM_EMAIL: "alarms@bench.invalid" }).api.memoryMiB;

/**
 * The flags Lambda's Node.js runtime starts node with (its /var/runtime/bootstrap): a tenth of the function's memory
 * for the young generation, in two semi-spaces, the rest for the old one. The young generation's size decides how
 * often the collector runs between invocations, so ours and the floor run with Lambda's, not Node's defaults.
 */
export function lambdaNodeArgs(memoryMiB = MEMORY_MIB): string[] {
  const newSpace = Math.floor(memoryMiB / 10);
  return ["--expose-gc", "--max-http-header-size", "81920", `--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMiB - newSpace}`];
}

/**
 * What Lambda sets in an on-demand environment, and what the stacks give the function (stacks/index.ts, Api.ts):
 * ours and the floor run with the same. No NODE_OPTIONS: the API maps its stacks itself when it logs an error.
 */
const lambdaEnv = (databaseUrl: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  AWS_REGION: "eu-west-1",
  AWS_LAMBDA_FUNCTION_NAME: "data-api-bench-ApiFunction",
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(MEMORY_MIB),
  AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
  STAGE: "bench",
  LOG_LEVEL: "info",
  DATABASE_POOL_MAX: "1",
  DATABASE_URL: databaseUrl,
});

/** Throws unless the floor talks to the database exactly as our function would in `env`. */
function checkSameDriverSettings(env: NodeJS.ProcessEnv): void {
  const ours = connectionOptions(databaseConfigFromEnv(env) as PostgresConfig);
  const comparable = (options: object) => JSON.stringify(options, (key, value) => (typeof value === "function" ? "function" : value));
  if (comparable(ours) !== comparable(FLOOR_OPTIONS)) {
    throw new Error(`The floor's driver settings differ from ours:\n  ours  ${comparable(ours)}\n  floor ${comparable(FLOOR_OPTIONS)}`);
  }
}

/** What a benchmark's functions run in: Lambda's environment on the seeded database, reached as the floor reaches it. */
export async function benchEnv(): Promise<NodeJS.ProcessEnv> {
  const env = lambdaEnv(await seededDatabase());
  checkSameDriverSettings(env);
  return env;
}

/** Our API function, the floor, and the floor with our log line (bench/floor-logged.ts): each as SST bundles it. */
export interface Contenders {
  ours: Bundle;
  floor: Bundle;
  "floor+log": Bundle;
}

/** The contenders, bundled into a folder of their own for as long as `use` runs. */
export async function withContenders<T>(use: (contenders: Contenders) => Promise<T>): Promise<T> {
  const outdir = await mkdtemp(join(tmpdir(), "data-api-bench-"));
  try {
    return await use({
      ours: await bundleLikeSst(here("../packages/functions/src/api.ts"), `${outdir}/ours`),
      floor: await bundleLikeSst(here("floor.ts"), `${outdir}/floor`),
      "floor+log": await bundleLikeSst(here("floor-logged.ts"), `${outdir}/floor-logged`),
    });
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
