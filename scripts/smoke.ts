/**
 * The smoke test CI runs after each deploy. Reads with no token: `/health` answers 200 with status "ok" and its own
 * stage name, `GET /data` a JSON list. Then writes, and deletes what it wrote:
 * - where writes are public, with no token;
 * - where they are signed-in, a write without a token must be refused with 401, and one with a token of the
 *   stage's machine client (client credentials, scope data/write) must succeed. The client's secret is read from
 *   Cognito with the deploy job's own credentials (cognito-idp:DescribeUserPoolClient on the stage's pool only,
 *   stacks/account/deploy-role.ts): no secret is stored in GitHub. Where the issuer is external there is no machine
 *   client to read: the test writes only when SMOKE_WRITE_TOKEN holds a token with the data/write scope.
 *
 *   tsx scripts/smoke.ts --stage staging [--url https://api.example.com] [--outputs .sst/outputs.json]
 *
 * Without --url (or SMOKE_URL) the URL is the `ApiUrl` output that `sst deploy` wrote to .sst/outputs.json, which
 * also says whether writes are signed-in (`Writes`), the issuer (`AuthIssuer`) and the machine client
 * (`UserPoolId`, `MachineClientId`).
 */
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { WRITE_SCOPE, type WriteAccess } from "@data-api/core/access";

export const API_URL_OUTPUT = "ApiUrl";

type Outputs = Record<string, Record<string, string>>;

/** How the smoke test writes: with no token, or with the token `token()` fetches; `token` absent: it only reads. */
export type WriteCheck = { writes: "public" } | { writes: "signed-in"; token?: () => Promise<string> };

export interface SmokeOptions {
  /** The stage `/health` must report, so a smoke test never passes against the wrong stage. */
  stage: string;
  /** Absent: reads only, as before writes were signed-in. */
  access?: WriteCheck;
  /** Whole rounds of checks; a fresh custom domain or cold function may need a few. */
  attempts?: number;
  delayMs?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** The one `key` output among the stacks' outputs of `.sst/outputs.json`. */
function deployOutput(outputs: Outputs, key: string): string {
  const values = Object.values(outputs).flatMap((stackOutputs) => (stackOutputs[key] ? [stackOutputs[key]] : []));
  if (values.length !== 1) {
    throw new Error(`Expected one "${key}" output in the deploy outputs, found ${values.length}`);
  }
  return values[0]!;
}

/** The one `ApiUrl` among the stacks' outputs of `.sst/outputs.json`. */
export function apiUrlFromOutputs(outputs: Outputs, key = API_URL_OUTPUT): string {
  return deployOutput(outputs, key);
}

/** Runs the checks until they all pass or the attempts run out; throws the last failure. */
export async function smokeTest(baseUrl: string, options: SmokeOptions): Promise<void> {
  const { attempts = 5, delayMs = 10_000, log = console.log } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      await checkOnce(baseUrl, options, log);
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      log(`attempt ${attempt}/${attempts} failed: ${(error as Error).message}; retrying in ${delayMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

async function checkOnce(baseUrl: string, { stage, access, timeoutMs = 10_000 }: SmokeOptions, log: (line: string) => void) {
  const call = (method: string, path: string, init: { token?: string; body?: unknown } = {}) => request(baseUrl, method, path, timeoutMs, init);

  const health = expectStatus(await call("GET", "health"), 200, "GET /health");
  const status = health.body as { status?: unknown; stage?: unknown; version?: unknown };
  if (status.status !== "ok") throw new Error(`GET /health: status is ${JSON.stringify(status.status)}, not "ok"`);
  if (status.stage !== stage) throw new Error(`GET /health: stage is ${JSON.stringify(status.stage)}, not "${stage}"`);
  log(`GET /health 200 in ${health.ms} ms: stage ${stage}, version ${String(status.version)}`);

  const data = expectStatus(await call("GET", "data"), 200, "GET /data");
  if (!Array.isArray(data.body)) throw new Error("GET /data: the body is not a JSON list");
  log(`GET /data 200 in ${data.ms} ms: ${data.body.length} records`);

  if (!access) return;
  // Unique per attempt, so that a retry never meets its own leftover as a 409.
  const name = `smoke ${stage} ${new Date().toISOString()} ${Math.random().toString(36).slice(2, 8)}`;
  let token: string | undefined;
  if (access.writes === "signed-in") {
    const refused = await call("POST", "data", { body: { name } });
    if (refused.status !== 401) throw new Error(`POST /data without a token: HTTP ${refused.status}, not 401 ${refused.text.slice(0, 200)}`);
    log(`POST /data without a token 401 in ${refused.ms} ms: writes are signed-in`);
    if (!access.token) {
      log("no token to write with (external issuer, no SMOKE_WRITE_TOKEN): reads only");
      return;
    }
    token = await access.token();
  }
  const created = expectStatus(await call("POST", "data", { token, body: { name } }), 200, "POST /data");
  const id = (created.body as { id?: unknown }).id;
  if (typeof id !== "number") throw new Error(`POST /data: no numeric id in ${created.text.slice(0, 200)}`);
  log(`POST /data 200 in ${created.ms} ms: record ${id}${token ? ", with the machine client's token" : ""}`);
  const deleted = expectStatus(await call("DELETE", `data/${id}`, { token }), 200, `DELETE /data/${id}`);
  log(`DELETE /data/${id} 200 in ${deleted.ms} ms: the test leaves nothing behind`);
}

interface Answer {
  status: number;
  text: string;
  body: unknown;
  ms: number;
}

async function request(baseUrl: string, method: string, path: string, timeoutMs: number, { token, body }: { token?: string; body?: unknown }): Promise<Answer> {
  const url = new URL(path, baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
  const headers: Record<string, string> = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const started = performance.now();
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, text, body: parsed, ms: Math.round(performance.now() - started) };
}

function expectStatus(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status) throw new Error(`${what}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
  if (answer.body === undefined) throw new Error(`${what}: the body is not JSON: ${answer.text.slice(0, 200)}`);
  return answer;
}

export interface ClientCredentials {
  issuer: string;
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
}

/**
 * An access token for the machine client, from the token endpoint that the issuer's discovery document names
 * (Cognito: its hosted domain's /oauth2/token), asked for the data/write scope only.
 */
export async function clientCredentialsToken({ issuer, clientId, clientSecret, timeoutMs = 10_000 }: ClientCredentials): Promise<string> {
  const discoveryUrl = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  const discovery = await fetch(discoveryUrl, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) });
  if (!discovery.ok) throw new Error(`${discoveryUrl}: HTTP ${discovery.status}`);
  const { token_endpoint: tokenEndpoint } = (await discovery.json()) as { token_endpoint?: unknown };
  if (typeof tokenEndpoint !== "string") throw new Error(`${discoveryUrl} names no token_endpoint (does the user pool have its domain?)`);
  const response = await fetch(tokenEndpoint, {
    method: "POST",
    headers: {
      accept: "application/json",
      "content-type": "application/x-www-form-urlencoded",
      // RFC 6749 2.3.1: each part form-encoded, then Basic.
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64")}`,
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: WRITE_SCOPE.full }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  // The token endpoint's error is short and holds no secret (`invalid_client`, `invalid_scope`).
  if (!response.ok) throw new Error(`${tokenEndpoint}: HTTP ${response.status} ${text.slice(0, 200)}`);
  const token = (JSON.parse(text) as { access_token?: unknown }).access_token;
  if (typeof token !== "string" || token === "") throw new Error(`${tokenEndpoint}: no access_token in the answer`);
  return token;
}

/**
 * The machine client's secret, read from Cognito with the caller's credentials (DescribeUserPoolClient). The
 * region is the pool's own, the first part of its id. `endpoint` is for tests.
 */
export async function machineClientSecret(userPoolId: string, clientId: string, options: { endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {}): Promise<string> {
  const { CognitoIdentityProviderClient, DescribeUserPoolClientCommand } = await import("@aws-sdk/client-cognito-identity-provider");
  const region = userPoolId.split("_")[0]!;
  const client = new CognitoIdentityProviderClient({ region, ...options, maxAttempts: 3 });
  try {
    const { UserPoolClient } = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
    if (!UserPoolClient?.ClientSecret) throw new Error(`The client ${clientId} of ${userPoolId} has no secret`);
    return UserPoolClient.ClientSecret;
  } finally {
    client.destroy();
  }
}

/**
 * What the deploy's outputs and the environment say about writing: public, signed-in with the machine client's
 * token or SMOKE_WRITE_TOKEN, or signed-in with no token (reads and the 401 only). Undefined where the outputs do
 * not say (no `Writes` output): reads only.
 */
export function writeCheckFrom(
  outputs: Outputs,
  env: Record<string, string | undefined>,
  { mask = () => {}, readSecret = machineClientSecret }: { mask?: (secret: string) => void; readSecret?: (userPoolId: string, clientId: string) => Promise<string> } = {},
): WriteCheck | undefined {
  const writes = optionalOutput(outputs, "Writes") as WriteAccess | undefined;
  if (writes === undefined) return undefined;
  if (writes !== "signed-in") return { writes: "public" };
  const given = env.SMOKE_WRITE_TOKEN?.trim();
  if (given) {
    mask(given);
    return { writes, token: async () => given };
  }
  const userPoolId = optionalOutput(outputs, "UserPoolId");
  const clientId = optionalOutput(outputs, "MachineClientId");
  if (!userPoolId || !clientId) return { writes };
  const issuer = deployOutput(outputs, "AuthIssuer");
  return {
    writes,
    token: async () => {
      const clientSecret = await readSecret(userPoolId, clientId);
      mask(clientSecret);
      const token = await clientCredentialsToken({ issuer, clientId, clientSecret });
      mask(token);
      return token;
    },
  };
}

function optionalOutput(outputs: Outputs, key: string): string | undefined {
  return Object.values(outputs).some((stackOutputs) => stackOutputs[key]) ? deployOutput(outputs, key) : undefined;
}

async function main() {
  const { values } = parseArgs({
    options: {
      stage: { type: "string" },
      url: { type: "string", default: process.env.SMOKE_URL ?? "" },
      outputs: { type: "string", default: ".sst/outputs.json" },
    },
  });
  if (!values.stage) throw new Error("--stage is required");
  // With --url, an outputs file is optional (a check by hand); without it the test only reads.
  const outputs = await readOutputs(values.outputs, Boolean(values.url));
  const url = values.url || apiUrlFromOutputs(outputs);
  // GitHub Actions hides a masked value wherever a later line would print it.
  const mask = process.env.GITHUB_ACTIONS === "true" ? (secret: string) => console.log(`::add-mask::${secret}`) : () => {};
  const access = writeCheckFrom(outputs, process.env, { mask });
  console.log(`smoke test of ${values.stage} at ${url}: ${access ? `writes ${access.writes}` : "reads only (no Writes output)"}`);
  await smokeTest(url, { stage: values.stage, access });
}

async function readOutputs(path: string, optional: boolean): Promise<Outputs> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Outputs;
  } catch (error) {
    if (optional && (error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: Error) => {
    console.error(`smoke test failed: ${error.message}`);
    process.exit(1);
  });
}
