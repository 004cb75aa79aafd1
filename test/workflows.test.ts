import { validateAction, validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { DEPLOY_JOBS } from "../stacks/account/settings";
import { literalSecrets } from "./support/secrets";
import {
  action,
  actionName,
  actionPaths,
  type Job,
  read,
  runSteps,
  type RunStep,
  workflow,
  workflowPaths,
} from "./support/workflows";

const ci = workflow("ci.yml");
const deploy = workflow("deploy.yml");
const workflows = { "ci.yml": ci, "deploy.yml": deploy };
const allJobs = Object.entries(workflows).flatMap(([file, w]) =>
  Object.entries(w.jobs).map(([id, job]) => ({ file, id, job, steps: runSteps(job, w.env) })),
);
const ALLOWED_PERMISSIONS = { contents: "read", "id-token": "write" };
const usesAwsCredentials = (steps: RunStep[]) =>
  steps.some((s) => s.uses && actionName(s.uses) === "aws-actions/configure-aws-credentials");
const stepRunning = (steps: RunStep[], command: string) => steps.findIndex((s) => s.run?.includes(command));

describe("workflow files", () => {
  it("are the two workflows and two composite actions this suite knows", () => {
    expect(workflowPaths.sort()).toEqual([".github/workflows/ci.yml", ".github/workflows/deploy.yml"]);
    expect(actionPaths.sort()).toEqual([".github/actions/setup/action.yml", ".github/actions/sst-deploy/action.yml"]);
  });

  it.each(workflowPaths)("%s passes the GitHub workflow schema", (path) => {
    expect(validateWorkflow(read(path)).errors).toEqual([]);
  });

  it.each(actionPaths)("%s passes the GitHub action schema", (path) => {
    expect(validateAction(read(path)).errors).toEqual([]);
  });

  it("are checked by a validator that does reject a broken workflow", () => {
    const broken = read(".github/workflows/ci.yml").replace("runs-on:", "runs_on:");
    expect(validateWorkflow(broken).errors).not.toEqual([]);
    expect(validateWorkflow(read(".github/workflows/ci.yml").replace("permissions:", "permission:")).errors).not.toEqual([]);
  });

  it("pin every third-party action to a full commit SHA, with its version in a comment, the same one everywhere", () => {
    const pins = new Map<string, Set<string>>();
    for (const path of [...workflowPaths, ...actionPaths]) {
      for (const [, uses, comment] of read(path).matchAll(/uses:\s*(\S+)(.*)/g)) {
        if (uses!.startsWith("./")) continue;
        expect(uses, path).toMatch(/^[\w.-]+\/[\w.-]+(?:\/[\w./-]+)?@[0-9a-f]{40}$/);
        expect(comment, `${path}: ${uses}`).toMatch(/^ # v\d+\.\d+\.\d+$/);
        pins.set(actionName(uses!), (pins.get(actionName(uses!)) ?? new Set()).add(`${uses}${comment}`));
      }
    }
    expect([...pins.keys()].sort()).toEqual([
      "actions/checkout",
      "actions/setup-node",
      "actions/upload-artifact",
      "aws-actions/configure-aws-credentials",
    ]);
    for (const [name, versions] of pins) expect([...versions], name).toHaveLength(1);
  });

  it.each(allJobs.filter(({ job }) => !job.uses))("$file $id has a timeout", ({ job }) => {
    expect(job["timeout-minutes"]).toBeGreaterThan(0);
    expect(job["timeout-minutes"]).toBeLessThanOrEqual(120);
  });

  it.each(Object.entries(workflows))("%s gives its token read-only access to the repository by default", (_, w) => {
    expect(w.permissions).toEqual({ contents: "read" });
  });

  it.each(allJobs)("$file $id asks for no permission beyond contents: read, and id-token: write only to deploy", ({ job, steps }) => {
    const permissions = typeof job.permissions === "object" ? job.permissions : {};
    expect(job.permissions === undefined || typeof job.permissions === "object").toBe(true);
    for (const [scope, level] of Object.entries(permissions)) {
      expect(ALLOWED_PERMISSIONS, scope).toHaveProperty(scope, level);
    }
    expect(permissions["id-token"] === "write").toBe(usesAwsCredentials(steps));
  });

  it("read no stored secret: AWS access goes through OIDC only", () => {
    for (const path of [...workflowPaths, ...actionPaths]) {
      const text = read(path);
      expect(text, path).not.toMatch(/\bsecrets\./);
      expect(text, path).not.toMatch(/aws-(?:access-key-id|secret-access-key|session-token)\s*:/);
    }
  });

  it("hold no literal secret in any step, environment or service", () => {
    for (const path of [...workflowPaths, ...actionPaths, ".ci/run"]) {
      expect(literalSecrets(read(path)), path).toEqual([]);
    }
  });

  it("run sst only with its telemetry off", () => {
    const sstSteps = allJobs.flatMap(({ steps }) => steps.filter((s) => /\bnpx sst |\bnpm run (?:synth|deploy|dev)\b/.test(s.run ?? "")));
    expect(sstSteps.map((s) => s.run)).toEqual(
      expect.arrayContaining(["npm run synth", expect.stringContaining("npx sst deploy")]),
    );
    for (const step of sstSteps) expect(step.effectiveEnv, step.run).toHaveProperty("SST_TELEMETRY_DISABLED", "1");
  });
});

describe("the literal-secret scan", () => {
  it.each([
    "AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE",
    "aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "POSTGRES_PASSWORD: hunter2",
    "DATABASE_URL: postgres://app:s3cret@db:5432/app",
    "NPM_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123456789",
    "token: ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "-----BEGIN RSA PRIVATE KEY-----",
  ])("finds %j", (line) => {
    expect(literalSecrets(line)).not.toEqual([]);
  });

  it.each([
    "id-token: write",
    "DATABASE_URL: postgres://postgres@localhost:5432/data_api_ci",
    "role-to-assume: ${{ inputs.role-arn }}",
    'api-key: "$API_KEY"',
  ])("lets %j through", (line) => {
    expect(literalSecrets(line)).toEqual([]);
  });
});

describe("ci.yml", () => {
  const jobSteps = (id: string) => runSteps(ci.jobs[id]!, ci.env);
  const everyStep = Object.keys(ci.jobs).flatMap(jobSteps);

  it("checks pull requests, and main and tags through deploy.yml", () => {
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "workflow_call"]);
  });

  it("cancels a superseded run of the same ref", () => {
    expect(ci.concurrency).toEqual({ group: "ci-${{ github.ref }}", "cancel-in-progress": true });
  });

  it.each([
    ["lint", "npm run lint"],
    ["typecheck", "npm run typecheck"],
    ["tests with coverage", "npm test"],
    ["synthesis of every stage with cdk-nag", "npm run synth"],
    ["web page build", "npm run build -w @data-api/web"],
    ["audit of production dependencies", "npm audit --omit=dev --audit-level=critical"],
  ])("runs the %s", (_, command) => {
    expect(everyStep.map((s) => s.run?.trim())).toContain(command);
  });

  it("installs dependencies with npm ci and the npm cache on Node.js 22", () => {
    for (const id of ["lint", "test", "synth", "web"]) {
      const steps = jobSteps(id);
      const setupNode = steps.find((s) => s.uses && actionName(s.uses) === "actions/setup-node")!;
      expect(setupNode.with).toMatchObject({ "node-version": 22 });
      expect(action("./.github/actions/setup").inputs?.["npm-cache"]?.default).toBe("true");
      expect(setupNode.with?.cache).toBe("${{ inputs.npm-cache == 'true' && 'npm' || '' }}");
      expect(stepRunning(steps, "npm ci")).toBeGreaterThan(steps.indexOf(setupNode));
    }
  });

  it("tests against a PostgreSQL 16 service through DATABASE_URL, with Chromium for the browser tests", () => {
    const test = ci.jobs.test!;
    const postgres = test.services?.postgres;
    expect(postgres?.image).toBe("postgres:16");
    expect(postgres?.ports).toEqual(["5432:5432"]);
    expect(postgres?.options).toContain("pg_isready");
    expect(test.env?.DATABASE_URL).toBe(`postgres://postgres@localhost:5432/${postgres?.env?.POSTGRES_DB}`);
    const steps = jobSteps("test");
    const chromium = stepRunning(steps, "/usr/bin/chromium");
    expect(steps[chromium]?.run).toContain("apt-get install -y chromium");
    expect(chromium).toBeGreaterThan(-1);
    expect(chromium).toBeLessThan(stepRunning(steps, "npm test"));
  });

  it("uploads the coverage report, also when the thresholds fail", () => {
    const steps = jobSteps("test");
    const upload = steps.find((s) => s.uses && actionName(s.uses) === "actions/upload-artifact" && s.with?.path === "coverage/")!;
    expect(upload.if).toBe("${{ !cancelled() }}");
    expect(steps.indexOf(upload)).toBeGreaterThan(stepRunning(steps, "npm test"));
  });
});

describe("deploy.yml", () => {
  const staging = deploy.jobs.staging!;
  const prod = deploy.jobs.prod!;
  const deployAction = action("./.github/actions/sst-deploy");

  it("deploys on pushes to main and on version tags only", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"], tags: ["v*.*.*"] } });
  });

  it("deploys a commit only after CI of that commit passed", () => {
    expect(deploy.jobs.ci).toMatchObject({ uses: "./.github/workflows/ci.yml", permissions: { contents: "read" } });
    for (const job of [staging, prod]) expect(job.needs).toBe("ci");
  });

  it.each([
    ["staging", "github.ref == 'refs/heads/main'"],
    ["prod", "startsWith(github.ref, 'refs/tags/v')"],
  ])("deploys %s from its ref, one deploy at a time, never cancelled midway", (stage, condition) => {
    const job = deploy.jobs[stage]!;
    expect(job.if).toBe(condition);
    expect(job.concurrency).toEqual({ group: `deploy-${stage}`, "cancel-in-progress": false });
    const deployStep = job.steps!.find((s) => s.uses === "./.github/actions/sst-deploy")!;
    expect(deployStep.with).toMatchObject({ stage });
  });

  it("gates prod behind the production environment and refuses tags that are not on main", () => {
    expect(prod.environment).toBe("production");
    expect(staging.environment).toBeUndefined();
    const steps = prod.steps!;
    expect(steps[0]?.with).toMatchObject({ "fetch-depth": 0 });
    const ancestry = stepRunning(runSteps(prod), "git merge-base --is-ancestor \"$GITHUB_SHA\" refs/remotes/origin/main");
    expect(ancestry).toBeGreaterThan(0);
    expect(ancestry).toBeLessThan(runSteps(prod).findIndex((s) => s.uses === "./.github/actions/sst-deploy"));
  });

  it("asks GitHub for exactly the OIDC subject each stage's deploy role trusts", () => {
    // GitHub puts `environment:<name>` in the token of a job that names an environment, and the ref otherwise.
    const [branch] = (deploy.on.push as { branches: string[] }).branches;
    expect(staging.if).toBe(`github.ref == 'refs/heads/${branch}'`);
    expect(staging.environment).toBeUndefined();
    expect(DEPLOY_JOBS.staging).toBe(`ref:refs/heads/${branch}`);
    expect(DEPLOY_JOBS.prod).toBe(`environment:${prod.environment}`);
  });

  it("assumes the role through OIDC, deploys the stage, then smoke-tests it", () => {
    const steps = runSteps(staging);
    const credentials = steps.findIndex((s) => s.uses && actionName(s.uses) === "aws-actions/configure-aws-credentials");
    expect(steps[credentials]?.with).toMatchObject({
      "role-to-assume": "${{ steps.settings.outputs.role-arn }}",
      "aws-region": "${{ steps.settings.outputs.region }}",
    });
    const sstDeploy = stepRunning(steps, 'npx sst deploy --stage "$STAGE"');
    const smoke = stepRunning(steps, 'npx tsx scripts/smoke.ts --stage "$STAGE"');
    expect(credentials).toBeGreaterThan(-1);
    expect(sstDeploy).toBeGreaterThan(credentials);
    expect(smoke).toBeGreaterThan(sstDeploy);
    expect(steps[sstDeploy]?.effectiveEnv.STAGE).toBe("${{ inputs.stage }}");
    expect(steps[smoke]?.effectiveEnv).toMatchObject({ STAGE: "${{ inputs.stage }}", SMOKE_URL: "${{ steps.settings.outputs.api-url }}" });
    expect(deployAction.inputs?.stage?.required).toBe(true);
  });

  it("smoke-tests writes with the deploy role's own credentials, and hands the smoke test no secret or token", () => {
    const steps = runSteps(staging);
    const smoke = steps.find((s) => s.run?.includes("scripts/smoke.ts"))!;
    // The machine client's secret comes from Cognito through the role (stacks/account/deploy-role.ts), at run time.
    expect(Object.keys(smoke.effectiveEnv).sort()).toEqual(["SMOKE_URL", "STAGE"]);
    expect(JSON.stringify(smoke)).not.toMatch(/secret|token/i);
  });

  it("restores no npm cache in jobs that hold AWS credentials", () => {
    const setup = runSteps(staging).find((s) => s.uses === "./.github/actions/setup")!;
    expect(setup.with).toEqual({ "npm-cache": "false" });
  });
});

describe(".github/dependabot.yml", () => {
  const config = parse(read(".github/dependabot.yml")) as {
    version: number;
    updates: { "package-ecosystem": string; directory?: string; directories?: string[]; schedule: { interval: string } }[];
  };

  it("updates npm packages and the actions of the workflows and composite actions weekly", () => {
    expect(config.version).toBe(2);
    const byEcosystem = Object.fromEntries(config.updates.map((u) => [u["package-ecosystem"], u]));
    expect(Object.keys(byEcosystem).sort()).toEqual(["github-actions", "npm"]);
    expect(byEcosystem.npm?.directory).toBe("/");
    expect(byEcosystem["github-actions"]?.directories).toEqual(["/", "/.github/actions/*"]);
    for (const update of config.updates) expect(update.schedule.interval).toBe("weekly");
  });
});

describe(".ci/run", () => {
  const script = read(".ci/run");
  const commands = Object.values(ci.jobs)
    .flatMap((job: Job) => runSteps(job, ci.env))
    .map((s) => s.run?.trim())
    .filter((run): run is string => !!run && !run.includes("\n") && run.startsWith("npm"));

  it("runs every npm command of ci.yml, like the workflow", () => {
    expect(commands.length).toBeGreaterThanOrEqual(6);
    for (const command of commands.filter((c) => !c.startsWith("npm audit"))) {
      expect(script.split("\n").some((line) => line.trim().endsWith(command)), command).toBe(true);
    }
  });

  it("installs Chromium where the browser tests look for it", () => {
    expect(script).toContain("[ -x /usr/bin/chromium ] || need+=(chromium)");
  });

  it("says plainly that it skips npm audit, and why", () => {
    expect(script).toMatch(/echo ".*npm audit --omit=dev --audit-level=critical.*405.*"/);
  });
});
