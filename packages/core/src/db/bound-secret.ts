import { credentialsFromEnv } from "./aws-credentials";

/**
 * The SST secret holding the database URL of a stage without a database of its own (local, personal stages):
 * `npx sst secrets set DATABASE_URL postgres://… --stage <stage>`. Its value lives in SSM as a SecureString, never
 * in the template or the function's configuration.
 */
export const DATABASE_URL_SECRET = "DATABASE_URL";

/** What SST's Config.Secret binding puts in the function's environment (sst/constructs/Secret.js, getBindings). */
const FETCH_FROM_SSM = "__FETCH_FROM_SSM__";

type Env = Record<string, string | undefined>;

/**
 * The value of the SST v2 `Config.Secret` named `name` bound to this function, or undefined when none is bound.
 * Reads the stage's parameter, else the app's `.fallback` one, as sst/node/config does, with one signed
 * GetParameters call (ssm-parameters.ts).
 */
export async function readBoundSecret(name: string, env: Env, send: typeof fetch = fetch): Promise<string | undefined> {
  if (env[`SST_Secret_value_${name}`] !== FETCH_FROM_SSM) return undefined;
  const { SST_SSM_PREFIX: prefix, SST_APP: app, SST_STAGE: stage } = env;
  const region = env.SST_REGION ?? env.AWS_REGION;
  if (!prefix || !app || !region) throw new Error(`Secret ${name} is bound, but SST_SSM_PREFIX, SST_APP or SST_REGION is missing`);
  const names = [`${prefix}Secret/${name}/value`, `/sst/${app}/.fallback/Secret/${name}/value`];

  // The standard override of the SDKs, which also lets a test stand in for SSM.
  const endpoint = new URL(env.AWS_ENDPOINT_URL_SSM ?? `https://ssm.${region}.amazonaws.com/`);
  // Loaded here: only a function with a bound secret signs a request, the others never evaluate the signer.
  const { getParameters } = await import("./ssm-parameters");
  const { status, ok, answer } = await getParameters({ names, region, credentials: credentialsFromEnv(env), endpoint, send });
  if (!ok) throw new Error(`Reading secret ${name} from SSM failed (HTTP ${status}): ${answer.message ?? "no message"}`);
  const value = names.map((path) => answer.Parameters?.find((parameter) => parameter.Name === path)?.Value).find((found) => found);
  if (value === undefined) throw new Error(`Secret ${name} is not set for stage ${stage}: npx sst secrets set ${name} <value> --stage ${stage}`);
  return value;
}
