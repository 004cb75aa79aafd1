/**
 * The deploy job's first check (.github/actions/sst-deploy): reads the stage's settings from the GitHub variables
 * (GITHUB_VARIABLES, the job's `toJSON(vars)`), fails with `::error::` naming what is missing, and otherwise hands
 * them to the later steps: the stage settings through GITHUB_ENV, the role, region and smoke-test URL as outputs.
 *
 *   STAGE=staging GITHUB_VARIABLES='{"STAGING_DEPLOY_ROLE_ARN": "…", …}' tsx scripts/deploy-settings.ts
 */
import { appendFileSync } from "node:fs";
import { deploySettings } from "../stacks/deploy-variables";

const { STAGE, GITHUB_VARIABLES, GITHUB_ENV, GITHUB_OUTPUT } = process.env;

try {
  if (!STAGE || !GITHUB_ENV || !GITHUB_OUTPUT) throw new Error("Run inside a GitHub Actions step: STAGE, GITHUB_ENV and GITHUB_OUTPUT must be set");
  const settings = deploySettings(STAGE, JSON.parse(GITHUB_VARIABLES || "{}"));
  const lines = (entries: [string, string | undefined][]) =>
    entries.flatMap(([name, value]) => (value === undefined ? [] : [`${name}=${value}\n`])).join("");
  appendFileSync(GITHUB_ENV, lines(Object.entries(settings.env)));
  appendFileSync(GITHUB_OUTPUT, lines([["role-arn", settings.roleArn], ["region", settings.region], ["api-url", settings.apiUrl]]));
  console.log(`Deploying ${STAGE} to ${settings.region} with ${Object.keys(settings.env).join(", ")}`);
} catch (error) {
  console.log(`::error::${(error as Error).message}`);
  process.exit(1);
}
