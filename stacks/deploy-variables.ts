import { appSettings, resolveStageConfig } from "./config";

/** The stage settings that say who may write, and who signs callers in (README, "Deploying"); all optional. */
export const ACCESS_VARIABLES = ["DATA_API_PUBLIC_WRITES", "DATA_API_JWT_ISSUER", "DATA_API_JWT_AUDIENCE", "DATA_API_JWT_PAGE_CLIENT_ID"] as const;

/**
 * The stage settings (stacks/config.ts) a deploy job takes from GitHub variables of the same name: the
 * repository's, overridden by those of the job's environment (the prod job runs in `production`).
 */
export const STAGE_VARIABLES = ["DATA_API_REGION", "DATA_API_DOMAIN", "DATA_API_HOSTED_ZONE", "DATA_API_ALARM_EMAIL", ...ACCESS_VARIABLES] as const;

/** The variable holding a stage's deploy role: the Account stack's output of the same stage. */
export const deployRoleVariable = (stage: string) => `${stage.toUpperCase()}_DEPLOY_ROLE_ARN`;
/** Optional: the URL to smoke-test instead of the deploy's `ApiUrl` output. */
export const apiUrlVariable = (stage: string) => `${stage.toUpperCase()}_API_URL`;

export interface DeploySettings {
  roleArn: string;
  region: string;
  apiUrl?: string;
  /** The stage's settings, for the environment of `sst deploy`. */
  env: Record<string, string>;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/**
 * What the deploy of `stage` needs from the GitHub variables, checked the way `sst deploy` will check it
 * (resolveStageConfig), so that a missing or malformed variable fails the job before it touches AWS, by name.
 */
export function deploySettings(stage: string, variables: Record<string, string | undefined>): DeploySettings {
  const value = (name: string) => {
    const given = variables[name]?.trim() || undefined;
    // Each value becomes a line of GITHUB_ENV or GITHUB_OUTPUT: a line break would smuggle in another setting.
    if (given && /[\r\n]/.test(given)) throw new Error(`${name} must be one line`);
    return given;
  };
  const roleVariable = deployRoleVariable(stage);
  const missing = [roleVariable, "DATA_API_REGION"].filter((name) => !value(name));
  if (missing.length > 0) throw new Error(`Set the GitHub variable${missing.length > 1 ? "s" : ""} ${missing.join(" and ")} (CONTRIBUTING.md, "One-time setup")`);
  const roleArn = value(roleVariable)!;
  if (!ROLE_ARN.test(roleArn)) throw new Error(`${roleVariable} must be an IAM role ARN, got "${roleArn}"`);

  const env = Object.fromEntries(STAGE_VARIABLES.flatMap((name) => (value(name) ? [[name, value(name)!]] : [])));
  resolveStageConfig(stage, env);
  return { roleArn, region: appSettings(env).region, apiUrl: value(apiUrlVariable(stage)), env };
}
