import { databaseConfigFromEnv } from "@data-api/core/db";
import { beforeAll, describe, expect, it } from "vitest";
import { migrationSettings } from "../packages/functions/src/migration-settings";
import { runtimeSettings } from "../packages/functions/src/settings";
import { resolveStageConfig } from "./config";
import { SYNTH_ENV } from "./synth";
import { synthesized, type Synthesized } from "./testing";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
type Resource = { Type: string; Properties: any };
const TOKEN = "<resolved at deploy>";

/**
 * A function's environment as its code will read it: values CloudFormation resolves at deploy time stand in as
 * text. A key the code does not read, or one misspelled, would leave its reader at a default.
 */
function environmentOf(stage: Synthesized, stack: string, handler: string): Record<string, string> {
  const functions = Object.values(stage.template(stack).findResources("AWS::Lambda::Function")) as Resource[];
  const fn = functions.find((resource) => resource.Properties.Handler === handler)!;
  return Object.fromEntries(
    Object.entries<unknown>(fn.Properties.Environment.Variables).map(([name, value]) => [name, typeof value === "string" ? value : TOKEN]),
  );
}

const stages: Record<string, Synthesized> = {};
beforeAll(async () => {
  for (const stage of ["local", "prod"]) stages[stage] = await synthesized(stage);
});

describe.each(["local", "prod"])("the %s API function, read by the code that runs in it", (stage) => {
  it("has the stage's settings, as runtimeSettings reads them", () => {
    const config = resolveStageConfig(stage, SYNTH_ENV);
    expect(runtimeSettings(environmentOf(stages[stage]!, "Api", "packages/functions/src/api.handler"))).toEqual({
      stage,
      version: config.version,
      healthTimeoutMs: 2_000,
      logLevel: config.logLevel,
      // Who may write, as the stage config says: the app's middleware asks for a token only where it reads "signed-in".
      writes: stage === "prod" ? "signed-in" : "public",
      exposeCreatedBy: false,
    });
    expect(config.writes).toBe(stage === "prod" ? "signed-in" : "public");
  });

  it("keeps one database connection, to the proxy with IAM tokens where the stage has one", () => {
    const database = databaseConfigFromEnv(environmentOf(stages[stage]!, "Api", "packages/functions/src/api.handler"));
    if (stage === "local") {
      // The URL is the developer's, in the stage's SST secret: without it, the reader sees no PostgreSQL yet.
      expect(database.driver).toBe("pglite");
      return;
    }
    expect(database).toMatchObject({ driver: "postgres", host: TOKEN, port: 5432, database: "data_api", user: "data_api", iamAuth: true, ssl: "verify-full", maxConnections: 1 });
  });
});

describe("the prod migration function, read by the code that runs in it", () => {
  it("migrates the folder bundled beside it, as the administrator through the proxy, and knows the application role's secret", () => {
    const env = environmentOf(stages.prod!, "Database", "packages/functions/src/migrate.handler");
    expect(migrationSettings(env)).toEqual({ migrationsDir: "drizzle", appRoleSecretArn: TOKEN });
    expect(databaseConfigFromEnv(env)).toMatchObject({ driver: "postgres", host: TOKEN, user: "data_api_admin", iamAuth: true, maxConnections: 1 });
  });
});
