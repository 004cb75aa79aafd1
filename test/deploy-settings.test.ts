import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appSettings, resolveStageConfig } from "../stacks/config";
import { apiUrlVariable, deployRoleVariable, deploySettings, STAGE_VARIABLES } from "../stacks/deploy-variables";
import { read, root, runSteps, workflow, type RunStep } from "./support/workflows";

const deploy = workflow("deploy.yml");
const ROLE = (stage: string) => `arn:aws:iam::123456789012:role/account-data-api-Account-${stage}DeployRole`;

/** The variables CONTRIBUTING.md tells an administrator to set, as a team following it would. */
function documentedVariables(stage: string): Record<string, string> {
  return {
    [deployRoleVariable(stage)]: ROLE(stage),
    DATA_API_REGION: "eu-central-1",
    DATA_API_DOMAIN: "data.example.org",
    DATA_API_HOSTED_ZONE: "example.org",
    DATA_API_ALARM_EMAIL: "ops@example.org",
  };
}

/** A `${{ … }}` expression of the action, evaluated against what GitHub would know. */
function evaluate(text: string, context: Record<string, string>): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) => {
    if (!(expression in context)) throw new Error(`The test does not know the expression ${expression}`);
    return context[expression]!;
  });
}

interface StepRun {
  status: number | null;
  stdout: string;
  /** What the step appended to GITHUB_ENV and GITHUB_OUTPUT. */
  env: Record<string, string>;
  outputs: Record<string, string>;
}

/** Runs a `run:` step of the deploy job as the runner does: bash, its env evaluated, GITHUB_ENV and GITHUB_OUTPUT files. */
function runStep(step: RunStep, context: Record<string, string>): StepRun {
  const dir = mkdtempSync(join(tmpdir(), "data-api-step-"));
  try {
    const files = { GITHUB_ENV: join(dir, "env"), GITHUB_OUTPUT: join(dir, "output") };
    for (const file of Object.values(files)) writeFileSync(file, "");
    const stepEnv = Object.fromEntries(Object.entries(step.effectiveEnv).map(([name, value]) => [name, evaluate(String(value), context)]));
    // Only what the runner gives a step: no settings of this machine's own leak into the check.
    const base = { PATH: process.env.PATH!, HOME: process.env.HOME! };
    const result = spawnSync("bash", ["-e", "-c", step.run!], { cwd: root, env: { ...base, ...files, ...stepEnv }, encoding: "utf8" });
    const pairs = (file: string) =>
      Object.fromEntries(readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => line.split(/=(.*)/s).slice(0, 2)));
    return { status: result.status, stdout: result.stdout + result.stderr, env: pairs(files.GITHUB_ENV), outputs: pairs(files.GITHUB_OUTPUT) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(["staging", "prod"])("the %s deploy job", (stage) => {
  const job = deploy.jobs[stage]!;
  const steps = runSteps(job, deploy.env);
  const deployStep = job.steps!.find((step) => step.uses === "./.github/actions/sst-deploy")!;
  const settingsStep = steps.find((step) => step.id === "settings")!;
  const sstDeploy = steps.find((step) => step.run?.includes("npx sst deploy"))!;
  const credentials = steps.find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials"))!;
  const expression = (value: unknown) => /^\$\{\{\s*(.+?)\s*\}\}$/.exec(String(value))?.[1];

  function runSettings(variables: Record<string, string>) {
    expect(deployStep.with).toEqual({ stage, variables: "${{ toJSON(vars) }}" });
    return runStep(settingsStep, { "inputs.stage": stage, "inputs.variables": JSON.stringify(variables) });
  }

  it("reads its settings before it asks AWS for anything", () => {
    expect(steps.indexOf(settingsStep)).toBeGreaterThan(steps.findIndex((step) => step.uses === "./.github/actions/setup"));
    expect(steps.indexOf(settingsStep)).toBeLessThan(steps.indexOf(credentials));
  });

  it("turns the documented variables into the environment sst deploy builds the stage from", () => {
    const variables = documentedVariables(stage);
    const run = runSettings(variables);
    expect(run.status, run.stdout).toBe(0);

    // The runner's env of the sst deploy step: the step's own, then everything earlier steps put in GITHUB_ENV.
    const version = "v1.2.3";
    const context = { "inputs.stage": stage, "github.ref_type == 'tag' && github.ref_name || github.sha": version };
    const deployEnv = {
      ...run.env,
      ...Object.fromEntries(Object.entries(sstDeploy.effectiveEnv).map(([name, value]) => [name, evaluate(String(value), context)])),
    };
    const config = resolveStageConfig(deployEnv.STAGE!, deployEnv);
    expect(config.domain?.zone).toBe("example.org");
    expect(config.domain?.web).toBe(stage === "prod" ? "data.example.org" : "staging.data.example.org");
    expect(config.alarmEmail).toBe("ops@example.org");
    expect(config.version).toBe(version);
    expect(appSettings(deployEnv).region).toBe("eu-central-1");

    // The credentials are the stage's own role, in the region the stacks go to.
    expect(expression(credentials.with?.["role-to-assume"])).toBe("steps.settings.outputs.role-arn");
    expect(expression(credentials.with?.["aws-region"])).toBe("steps.settings.outputs.region");
    expect(run.outputs).toEqual({ "role-arn": ROLE(stage), region: "eu-central-1" });
  });

  it("passes the smoke-test URL variable through when it is set", () => {
    const run = runSettings({ ...documentedVariables(stage), [apiUrlVariable(stage)]: `https://api.${stage}.example.org` });
    expect(run.outputs["api-url"]).toBe(`https://api.${stage}.example.org`);
    const smoke = steps.find((step) => step.run?.includes("scripts/smoke.ts"))!;
    expect(expression(smoke.effectiveEnv.SMOKE_URL)).toBe("steps.settings.outputs.api-url");
  });

  it.each([deployRoleVariable(stage), "DATA_API_REGION", "DATA_API_DOMAIN", "DATA_API_ALARM_EMAIL"])(
    "fails at once, naming %s, when it is not set",
    (name) => {
      for (const unset of [undefined, ""]) {
        const variables: Record<string, string> = { ...documentedVariables(stage) };
        if (unset === undefined) delete variables[name];
        else variables[name] = unset;
        const run = runSettings(variables);
        expect(run.status).toBe(1);
        expect(run.stdout).toMatch(new RegExp(`^::error::.*\\b${name}\\b`, "m"));
        expect(run.env).toEqual({});
        expect(run.outputs).toEqual({});
      }
    },
  );

  it("refuses the other stage's role variable in place of its own", () => {
    const other = stage === "prod" ? "staging" : "prod";
    const { [deployRoleVariable(stage)]: _, ...variables } = documentedVariables(stage);
    const run = runSettings({ ...variables, [deployRoleVariable(other)]: ROLE(other) });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(deployRoleVariable(stage));
  });
});

describe("deploySettings", () => {
  it.each([
    ["STAGING_DEPLOY_ROLE_ARN", "arn:aws:iam::123:role/x", /must be an IAM role ARN/],
    ["DATA_API_DOMAIN", "example.org\nDATA_API_REGION=us-east-1", /DATA_API_DOMAIN must be one line/],
    ["DATA_API_REGION", "europe", /DATA_API_REGION must be an AWS region/],
  ])("refuses %s = %j", (name, value, message) => {
    expect(() => deploySettings("staging", { ...documentedVariables("staging"), [name]: value })).toThrow(message);
  });

  it("reads only the stage settings the docs name, whatever else the repository holds", () => {
    const access = {
      DATA_API_PUBLIC_WRITES: "false",
      DATA_API_JWT_ISSUER: "https://acme.eu.auth0.com/",
      DATA_API_JWT_AUDIENCE: "https://api.staging.data.example.org",
      DATA_API_JWT_PAGE_CLIENT_ID: "page",
    };
    const settings = deploySettings("staging", { ...documentedVariables("staging"), ...access, DATABASE_URL: "postgres://x", OTHER: "y" });
    expect(Object.keys(settings.env).sort()).toEqual([...STAGE_VARIABLES].sort());
    expect(resolveStageConfig("staging", settings.env).identity).toMatchObject({ kind: "external", issuer: access.DATA_API_JWT_ISSUER });
  });

  it("opens a stage's writes only when its variables say so, and refuses a malformed answer before any AWS call", () => {
    expect(resolveStageConfig("prod", deploySettings("prod", documentedVariables("prod")).env).writes).toBe("signed-in");
    const open = deploySettings("prod", { ...documentedVariables("prod"), DATA_API_PUBLIC_WRITES: "true" });
    expect(resolveStageConfig("prod", open.env).writes).toBe("public");
    expect(() => deploySettings("prod", { ...documentedVariables("prod"), DATA_API_PUBLIC_WRITES: "yes please" })).toThrow(/DATA_API_PUBLIC_WRITES must be true or false/);
    expect(() => deploySettings("prod", { ...documentedVariables("prod"), DATA_API_JWT_ISSUER: "https://acme.eu.auth0.com/" })).toThrow(/DATA_API_JWT_AUDIENCE/);
  });

  it("has every variable it reads documented in CONTRIBUTING.md", () => {
    const guide = read("CONTRIBUTING.md");
    for (const stage of ["staging", "prod"]) {
      for (const name of [...STAGE_VARIABLES, deployRoleVariable(stage), apiUrlVariable(stage)]) expect(guide).toContain(`\`${name}\``);
    }
  });
});
