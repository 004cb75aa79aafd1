import { HttpRequest } from "@smithy/core/protocols";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { credentialsFromEnv } from "./rds-token";

/**
 * The SST secret holding the database URL of a stage without a database of its own (local, personal stages):
 * `npx sst secrets set DATABASE_URL postgres://… --stage <stage>`. Its value lives in SSM as a SecureString, never
 * in the template or the function's configuration.
 */
export const DATABASE_URL_SECRET = "DATABASE_URL";

const Sha256 = Hash.bind(null, "sha256");
/** What SST's Config.Secret binding puts in the function's environment (sst/constructs/Secret.js, getBindings). */
const FETCH_FROM_SSM = "__FETCH_FROM_SSM__";

type Env = Record<string, string | undefined>;

/**
 * The value of the SST v2 `Config.Secret` named `name` bound to this function, or undefined when none is bound.
 * Reads the stage's parameter, else the app's `.fallback` one, as sst/node/config does, with one signed
 * GetParameters call: @aws-sdk/client-ssm would add its whole client to the bundle for this single request.
 */
export async function readBoundSecret(name: string, env: Env, send: typeof fetch = fetch): Promise<string | undefined> {
  if (env[`SST_Secret_value_${name}`] !== FETCH_FROM_SSM) return undefined;
  const { SST_SSM_PREFIX: prefix, SST_APP: app, SST_STAGE: stage } = env;
  const region = env.SST_REGION ?? env.AWS_REGION;
  if (!prefix || !app || !region) throw new Error(`Secret ${name} is bound, but SST_SSM_PREFIX, SST_APP or SST_REGION is missing`);
  const names = [`${prefix}Secret/${name}/value`, `/sst/${app}/.fallback/Secret/${name}/value`];

  // The standard override of the SDKs, which also lets a test stand in for SSM.
  const endpoint = new URL(env.AWS_ENDPOINT_URL_SSM ?? `https://ssm.${region}.amazonaws.com/`);
  const request = new HttpRequest({
    method: "POST",
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    port: endpoint.port ? Number(endpoint.port) : undefined,
    path: endpoint.pathname,
    headers: {
      host: endpoint.host,
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "AmazonSSM.GetParameters",
    },
    body: JSON.stringify({ Names: names, WithDecryption: true }),
  });
  const signer = new SignatureV4({ service: "ssm", region, credentials: credentialsFromEnv(env), sha256: Sha256 });
  const { host: _, ...headers } = (await signer.sign(request)).headers;
  // fetch writes the Host header itself, from the same URL.
  const response = await send(endpoint, { method: "POST", headers, body: request.body, signal: AbortSignal.timeout(5_000) });
  const answer = (await response.json()) as { Parameters?: { Name: string; Value: string }[]; message?: string };
  if (!response.ok) throw new Error(`Reading secret ${name} from SSM failed (HTTP ${response.status}): ${answer.message ?? "no message"}`);
  const value = names.map((path) => answer.Parameters?.find((parameter) => parameter.Name === path)?.Value).find((found) => found);
  if (value === undefined) throw new Error(`Secret ${name} is not set for stage ${stage}: npx sst secrets set ${name} <value> --stage ${stage}`);
  return value;
}
