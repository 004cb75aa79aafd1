import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export const root = fileURLToPath(new URL("../../", import.meta.url));

export type Env = Record<string, string>;

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  shell?: string;
  with?: Record<string, string | number | boolean>;
  env?: Env;
}

export interface Job {
  name?: string;
  uses?: string;
  needs?: string | string[];
  if?: string;
  "runs-on"?: string;
  "timeout-minutes"?: number;
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  services?: Record<string, { image: string; env?: Env; ports?: string[]; options?: string }>;
  env?: Env;
  steps?: Step[];
}

export interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  env?: Env;
  jobs: Record<string, Job>;
}

export interface CompositeAction {
  name: string;
  inputs?: Record<string, { default?: string; required?: boolean }>;
  runs: { using: string; steps: Step[] };
}

/** A step as it runs: composite actions of the repository unfolded, with the environment it sees. */
export interface RunStep extends Step {
  /** The composite actions it sits in, outermost first. */
  via: string[];
  effectiveEnv: Env;
}

export const read = (path: string) => readFileSync(`${root}${path}`, "utf8");

export const workflowPaths = readdirSync(`${root}.github/workflows`)
  .filter((file) => /\.ya?ml$/.test(file))
  .map((file) => `.github/workflows/${file}`);

export const actionPaths = readdirSync(`${root}.github/actions`)
  .map((dir) => `.github/actions/${dir}/action.yml`)
  .filter((path) => existsSync(`${root}${path}`));

export const workflow = (file: string) => parse(read(`.github/workflows/${file}`)) as Workflow;
export const action = (path: string) => parse(read(`${path.replace(/^\.\//, "")}/action.yml`)) as CompositeAction;

/** The job's steps with local composite actions replaced by their own steps, recursively. */
export function runSteps(job: Job, workflowEnv: Env = {}): RunStep[] {
  const unfold = (steps: Step[], env: Env, via: string[]): RunStep[] =>
    steps.flatMap((step) => {
      const effectiveEnv = { ...env, ...step.env };
      if (step.uses?.startsWith("./")) {
        const inner = unfold(action(step.uses).runs.steps, effectiveEnv, [...via, step.uses]);
        return [{ ...step, via, effectiveEnv }, ...inner];
      }
      return [{ ...step, via, effectiveEnv }];
    });
  return unfold(job.steps ?? [], { ...workflowEnv, ...job.env }, []);
}

/** `owner/repo` of a remote action reference, without path and ref. */
export const actionName = (uses: string) => uses.split("@")[0]!.split("/").slice(0, 2).join("/");
