/**
 * `npm run dev [-- --stage <personal stage>]`: live Lambda development against your own PostgreSQL. Migrates
 * DATABASE_URL, stores it as the stage's SST secret (SSM SecureString; the template and the function's settings
 * never hold it), then runs `sst dev`, which puts a stub in AWS that runs the API's code on this machine.
 */
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { DATABASE_URL_SECRET } from "@data-api/core/db";
import { usesDeveloperDatabase } from "../stacks/config";

export interface Command {
  command: string;
  args: string[];
}

/** The commands `npm run dev` runs for `stage`, or why it refuses to. */
export function devCommands(stage: string, env: Record<string, string | undefined>): Command[] {
  if (!usesDeveloperDatabase(stage)) {
    throw new Error(`sst dev replaces the functions of the stage it runs on with stubs: never run it on ${stage}; use local or a stage of your own`);
  }
  const url = env.DATABASE_URL?.trim();
  if (!url) {
    throw new Error(
      "it runs the API on this machine for a real API Gateway, against your PostgreSQL: set " +
        "DATABASE_URL=postgres://user:password@host:5432/database. The embedded PGlite of npm start belongs to one process.",
    );
  }
  return [
    { command: "npm", args: ["run", "db:migrate"] },
    { command: "npx", args: ["sst", "secrets", "set", DATABASE_URL_SECRET, url, "--stage", stage] },
    { command: "npx", args: ["sst", "dev", "--stage", stage] },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { stage: { type: "string", default: "local" } } });
  try {
    for (const { command, args } of devCommands(values.stage!, process.env)) {
      const { status } = spawnSync(command, args, { stdio: "inherit" });
      if (status !== 0) process.exit(status ?? 1);
    }
  } catch (error) {
    console.error(`npm run dev: ${(error as Error).message}`);
    process.exit(1);
  }
}
