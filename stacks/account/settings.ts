import { execFileSync } from "node:child_process";
import { appContext } from "../app-context";

/** `sst deploy --stage account` deploys the per-account stack instead of the app. */
export const ACCOUNT_STAGE = "account";

/** The GitHub environment the prod deploy job runs in (required reviewers, deployments from `v*.*.*` tags only). */
export const PRODUCTION_ENVIRONMENT = "production";

/**
 * The app stages CI deploys, each with a role of its own, and what the `sub` claim of the deploying job's OIDC
 * token says after `repo:<owner>/<name>:`. A job that names no environment gets its ref: staging deploys pushes to
 * main. A job that names an environment gets the environment instead of its ref (GitHub's "About security
 * hardening with OpenID Connect"): prod is bound to the approval-gated environment. The `account` stage is not
 * one of them, so CI cannot rewrite its own trust.
 */
export const DEPLOY_JOBS = {
  staging: "ref:refs/heads/main",
  prod: `environment:${PRODUCTION_ENVIRONMENT}`,
} as const;
export type DeployedStage = keyof typeof DEPLOY_JOBS;
export const DEPLOYED_STAGES = Object.keys(DEPLOY_JOBS) as DeployedStage[];

/** The only OIDC subject the deploy role of `stage` trusts. */
export const deploySubject = (repository: string, stage: DeployedStage) => `repo:${repository}:${DEPLOY_JOBS[stage]}`;

export interface AccountSettings {
  /** `owner/name` of the GitHub repository whose workflows may deploy. */
  repository: string;
  /** An account holds one GitHub OIDC provider: pass its ARN when another stack already created it. */
  oidcProviderArn?: string;
}

const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;

/**
 * Reads the account stage's settings: `GITHUB_REPOSITORY` (set by GitHub Actions), else the GitHub repository of
 * the `origin` remote; `GITHUB_OIDC_PROVIDER_ARN` to reuse an existing provider.
 */
export function accountSettings(
  env: Record<string, string | undefined>,
  originUrl: () => string | undefined = gitOriginUrl,
): AccountSettings {
  const repository = env.GITHUB_REPOSITORY || repositoryOfRemote(originUrl() ?? "");
  if (!repository) {
    throw new Error("Set GITHUB_REPOSITORY=owner/name: the deploy role trusts only that repository's workflows");
  }
  // The value ends up in the role's trust policy: anything but a plain owner/name would widen or break it.
  if (!REPOSITORY.test(repository)) {
    throw new Error(`GITHUB_REPOSITORY must look like owner/name, got "${repository}"`);
  }
  return { repository, oidcProviderArn: env.GITHUB_OIDC_PROVIDER_ARN || undefined };
}

/** `owner/name` of a github.com remote URL (https or ssh), undefined for any other host. */
export function repositoryOfRemote(url: string): string | undefined {
  return /^(?:https:\/\/|ssh:\/\/git@|git@)github\.com[:/]([^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(url.trim())?.[1];
}

function gitOriginUrl(): string | undefined {
  try {
    return execFileSync("git", ["remote", "get-url", "origin"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

const settings = appContext<AccountSettings>("account settings");

/** Hands the validated settings to the Account stack. */
export const provideAccountSettings = settings.provide;
export const useAccountSettings = settings.use;
