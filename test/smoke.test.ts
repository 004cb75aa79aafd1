import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { openDatabase } from "@data-api/core/db/local";
import type { DatabaseHandle } from "@data-api/core/db";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../packages/functions/src/app";
import { tokenVerifier } from "../packages/functions/src/host/token-verifier";
import { paths } from "../packages/functions/src/paths";
import { silentTelemetry } from "../packages/functions/test/support/app";
import { startOidcProvider, type TestOidcProvider } from "../packages/functions/test/support/oidc";
import { apiUrlFromOutputs, clientCredentialsToken, machineClientSecret, smokeTest, writeCheckFrom } from "../scripts/smoke";

const quick = { attempts: 2, delayMs: 10, timeoutMs: 5_000 };

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
const close = (server: { close: (done: () => void) => unknown }) => new Promise<void>((resolve) => server.close(() => resolve()));
const bodyOf = async (request: IncomingMessage) => {
  let text = "";
  for await (const chunk of request) text += chunk;
  return text;
};
const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
};

describe("smoke test against the real app", () => {
  let database: DatabaseHandle;
  let idp: TestOidcProvider;
  const servers: ServerType[] = [];
  let publicUrl: string;
  let signedInUrl: string;

  const start = async (options: Partial<Parameters<typeof createApp>[0]>) => {
    const app = createApp({ db: database.db, stage: "staging", version: "1.2.3", healthTimeoutMs: 1_000, telemetry: silentTelemetry(), ...options });
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((resolve) => server.once("listening", resolve));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const records = async () => (await (await fetch(`${publicUrl}/data`)).json()) as unknown[];

  beforeAll(async () => {
    database = await openDatabase({ driver: "pglite" });
    await database.migrate(paths.migrations);
    idp = await startOidcProvider();
    publicUrl = await start({});
    // As API Gateway's authorizer does in the cloud: the token's signature, issuer, expiry and audience checked.
    signedInUrl = await start({ writes: "signed-in", identify: await tokenVerifier({ issuer: idp.issuer, audiences: [idp.audience] }) });
  });

  afterAll(async () => {
    for (const server of servers) await close(server);
    await idp.close();
    await database.close();
  });

  it("reads only when the deploy does not say how writes work: /health is ok for the expected stage, /data lists", async () => {
    const lines: string[] = [];
    await smokeTest(`${publicUrl}/`, { stage: "staging", ...quick, log: (line) => lines.push(line) });
    expect(lines).toEqual([
      expect.stringMatching(/^GET \/health 200 in \d+ ms: stage staging, version 1\.2\.3$/),
      expect.stringMatching(/^GET \/data 200 in \d+ ms: 0 records$/),
    ]);
  });

  it("writes with no token where writes are public, then deletes what it wrote", async () => {
    const lines: string[] = [];
    await smokeTest(publicUrl, { stage: "staging", access: { writes: "public" }, ...quick, log: (line) => lines.push(line) });
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/^POST \/data 200 in \d+ ms: record \d+$/),
      expect.stringMatching(/^DELETE \/data\/\d+ 200 in \d+ ms: the test leaves nothing behind$/),
    ]);
    expect(await records()).toEqual([]);
  });

  it("where writes are signed-in, sees a write without a token refused, and writes with the machine client's token", async () => {
    const lines: string[] = [];
    const token = () => clientCredentialsToken({ issuer: idp.issuer, clientId: idp.machine.clientId, clientSecret: idp.machine.clientSecret });
    await smokeTest(signedInUrl, { stage: "staging", access: { writes: "signed-in", token }, ...quick, log: (line) => lines.push(line) });
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/^POST \/data without a token 401 in \d+ ms: writes are signed-in$/),
      expect.stringMatching(/^POST \/data 200 in \d+ ms: record \d+, with the machine client's token$/),
      expect.stringMatching(/^DELETE \/data\/\d+ 200 in \d+ ms: the test leaves nothing behind$/),
    ]);
    expect(await records()).toEqual([]);
  });

  it("where writes are signed-in and it has no token (an external issuer), reads and checks the refusal only", async () => {
    const lines: string[] = [];
    await smokeTest(signedInUrl, { stage: "staging", access: { writes: "signed-in" }, ...quick, log: (line) => lines.push(line) });
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/^POST \/data without a token 401/),
      "no token to write with (external issuer, no SMOKE_WRITE_TOKEN): reads only",
    ]);
  });

  it("fails when the token cannot write: the app's 403 for a token without the scope", async () => {
    const token = () => idp.clientCredentials();
    await expect(smokeTest(signedInUrl, { stage: "staging", access: { writes: "signed-in", token }, ...quick, log: () => {} })).rejects.toThrow(
      /^POST \/data: HTTP 403 .*data\/write/,
    );
  });

  it("fails when writes that should be signed-in are open to anyone", async () => {
    await expect(smokeTest(publicUrl, { stage: "staging", access: { writes: "signed-in" }, ...quick, log: () => {} })).rejects.toThrow(
      /^POST \/data without a token: HTTP 200, not 401/,
    );
    // What it wrote while finding out is the stage's, not the test's: delete it here.
    for (const record of (await records()) as { id: number }[]) await fetch(`${publicUrl}/data/${record.id}`, { method: "DELETE" });
  });

  it("fails when the URL serves another stage", async () => {
    await expect(smokeTest(publicUrl, { stage: "prod", ...quick, log: () => {} })).rejects.toThrow('GET /health: stage is "staging", not "prod"');
  });

  it("fails on an HTTP error instead of accepting any answer", async () => {
    await expect(smokeTest(`${publicUrl}/nowhere`, { stage: "staging", ...quick, log: () => {} })).rejects.toThrow(/^GET \/health: HTTP 404/);
  });

  it("retries the whole round, then reports the last failure", async () => {
    const lines: string[] = [];
    const closed = "http://127.0.0.1:9";
    await expect(smokeTest(closed, { stage: "staging", ...quick, log: (line) => lines.push(line) })).rejects.toThrow();
    expect(lines).toEqual([expect.stringMatching(/^attempt 1\/2 failed: .+; retrying in 10 ms$/)]);
  });
});

/**
 * Cognito as the smoke test meets it, standing in: the issuer's discovery document on cognito-idp, the hosted
 * domain's token endpoint, and the API behind API Gateway's authorizer, each checking what it is sent.
 */
describe("smoke test against stand-ins for Cognito and a signed-in API", () => {
  const CLIENT = { id: "machine-client-id", secret: "s3cr3t/with+symbols" };
  const TOKEN = "eyJ.stand-in.token";
  const seen: { discovery: number; token: { authorization?: string; body: string }[]; writes: string[] } = { discovery: 0, token: [], writes: [] };
  let issuer: Server;
  let api: Server;
  let issuerUrl: string;
  let apiUrl: string;
  const rows = new Map<number, string>();

  beforeAll(async () => {
    ({ server: issuer, url: issuerUrl } = await listen(async (request, response) => {
      if (request.method === "GET" && request.url === "/eu-west-1_Pool/.well-known/openid-configuration") {
        seen.discovery++;
        return json(response, 200, { issuer: `${issuerUrl}/eu-west-1_Pool`, token_endpoint: `${issuerUrl}/oauth2/token` });
      }
      if (request.method === "POST" && request.url === "/oauth2/token") {
        const body = await bodyOf(request);
        seen.token.push({ authorization: request.headers.authorization, body });
        const expected = `Basic ${Buffer.from(`${CLIENT.id}:${encodeURIComponent(CLIENT.secret)}`).toString("base64")}`;
        if (request.headers.authorization !== expected) return json(response, 400, { error: "invalid_client" });
        const form = new URLSearchParams(body);
        if (form.get("grant_type") !== "client_credentials") return json(response, 400, { error: "unsupported_grant_type" });
        if (form.get("scope") !== "data/write") return json(response, 400, { error: "invalid_scope" });
        return json(response, 200, { access_token: TOKEN, token_type: "Bearer", expires_in: 3600 });
      }
      json(response, 404, { error: "not_found" });
    }));
    ({ server: api, url: apiUrl } = await listen(async (request, response) => {
      const body = await bodyOf(request);
      if (request.method === "GET" && request.url === "/health") return json(response, 200, { status: "ok", stage: "prod", version: "v1.0.0" });
      if (request.method === "GET" && request.url === "/data") return json(response, 200, [...rows].map(([id, name]) => ({ id, name })));
      // The authorizer: a valid token or 401, as API Gateway answers.
      if (request.headers.authorization !== `Bearer ${TOKEN}`) return json(response, 401, { message: "Unauthorized" }, { "www-authenticate": "Bearer" });
      seen.writes.push(`${request.method} ${request.url}`);
      if (request.method === "POST" && request.url === "/data") {
        const id = rows.size + 1;
        rows.set(id, JSON.parse(body).name);
        return json(response, 200, { message: "Data inserted successfully", id, name: rows.get(id) });
      }
      const match = /^\/data\/(\d+)$/.exec(request.url ?? "");
      if (request.method === "DELETE" && match && rows.delete(Number(match[1]))) return json(response, 200, { message: "Data deleted successfully" });
      json(response, 404, { message: "Data not found" });
    }));
  });

  afterAll(async () => {
    await close(issuer);
    await close(api);
  });

  it("gets a client-credentials token for data/write from the token endpoint the issuer's discovery names, writes and deletes with it", async () => {
    const outputs = {
      "prod-data-api-Auth": { UserPoolId: "eu-west-1_Pool", MachineClientId: CLIENT.id, PageClientId: "page" },
      "prod-data-api-Api": { ApiUrl: apiUrl, Writes: "signed-in", AuthIssuer: `${issuerUrl}/eu-west-1_Pool` },
    };
    const asked: string[][] = [];
    const masked: string[] = [];
    const access = writeCheckFrom(outputs, {}, {
      mask: (secret) => masked.push(secret),
      readSecret: async (poolId, clientId) => {
        asked.push([poolId, clientId]);
        return CLIENT.secret;
      },
    });
    const lines: string[] = [];
    await smokeTest(apiUrlFromOutputs(outputs), { stage: "prod", access, ...quick, log: (line) => lines.push(line) });
    expect(asked).toEqual([["eu-west-1_Pool", CLIENT.id]]);
    expect(seen.discovery).toBe(1);
    expect(seen.token).toHaveLength(1);
    expect(new URLSearchParams(seen.token[0]!.body).toString()).toBe("grant_type=client_credentials&scope=data%2Fwrite");
    expect(seen.writes).toEqual(["POST /data", "DELETE /data/1"]);
    expect(rows.size).toBe(0);
    expect(masked).toEqual([CLIENT.secret, TOKEN]);
    expect(lines.join("\n")).not.toContain(CLIENT.secret);
    expect(lines.join("\n")).not.toContain(TOKEN);
  });

  it("names the token endpoint's refusal, never the secret", async () => {
    const failure = clientCredentialsToken({ issuer: `${issuerUrl}/eu-west-1_Pool`, clientId: CLIENT.id, clientSecret: "wrong" });
    await expect(failure).rejects.toThrow(/\/oauth2\/token: HTTP 400 \{"error":"invalid_client"\}$/);
    await expect(clientCredentialsToken({ issuer: `${issuerUrl}/nowhere`, clientId: CLIENT.id, clientSecret: "x" })).rejects.toThrow(
      /nowhere\/\.well-known\/openid-configuration: HTTP 404/,
    );
  });

  it("reads the machine client's secret from Cognito with DescribeUserPoolClient, in the pool's own region", async () => {
    const requests: { target?: string; authorization?: string; body: string }[] = [];
    const { server, url } = await listen(async (request, response) => {
      requests.push({ target: request.headers["x-amz-target"] as string, authorization: request.headers.authorization, body: await bodyOf(request) });
      response.writeHead(200, { "content-type": "application/x-amz-json-1.1" }).end(
        JSON.stringify({ UserPoolClient: { ClientId: CLIENT.id, UserPoolId: "eu-central-1_Pool", ClientSecret: CLIENT.secret } }),
      );
    });
    try {
      const secret = await machineClientSecret("eu-central-1_Pool", CLIENT.id, { endpoint: url, credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "example" } });
      expect(secret).toBe(CLIENT.secret);
      expect(requests).toHaveLength(1);
      expect(requests[0]!.target).toBe("AWSCognitoIdentityProviderService.DescribeUserPoolClient");
      expect(JSON.parse(requests[0]!.body)).toEqual({ UserPoolId: "eu-central-1_Pool", ClientId: CLIENT.id });
      expect(requests[0]!.authorization).toContain("/eu-central-1/cognito-idp/aws4_request");
    } finally {
      await close(server);
    }
  });
});

describe("writeCheckFrom: what the deploy's outputs say about writing", () => {
  const api = (outputs: Record<string, string>) => ({ "staging-data-api-Api": { ApiUrl: "https://api.example.com", ...outputs } });
  const unused = async () => {
    throw new Error("no secret should be read");
  };

  it("reads only when the outputs do not say, writes with no token where writes are public", () => {
    expect(writeCheckFrom(api({}), {})).toBeUndefined();
    expect(writeCheckFrom(api({ Writes: "public", AuthIssuer: "https://issuer.example.com" }), {})).toEqual({ writes: "public" });
  });

  it("has no token to write with where the issuer is external, unless SMOKE_WRITE_TOKEN gives one", async () => {
    const external = api({ Writes: "signed-in", AuthIssuer: "https://acme.eu.auth0.com/" });
    expect(writeCheckFrom(external, {}, { readSecret: unused })).toEqual({ writes: "signed-in" });
    const masked: string[] = [];
    const given = writeCheckFrom(external, { SMOKE_WRITE_TOKEN: " tok " }, { readSecret: unused, mask: (secret) => masked.push(secret) });
    expect(given?.writes).toBe("signed-in");
    expect(given?.writes === "signed-in" && (await given.token!())).toBe("tok");
    expect(masked).toEqual(["tok"]);
  });
});

describe("apiUrlFromOutputs", () => {
  it("finds the one ApiUrl among the stacks' outputs", () => {
    const outputs = {
      "staging-data-api-Network": { VpcId: "vpc-1" },
      "staging-data-api-Api": { ApiUrl: "https://abc.execute-api.us-east-1.amazonaws.com", SSTMetadata: "{}" },
    };
    expect(apiUrlFromOutputs(outputs)).toBe("https://abc.execute-api.us-east-1.amazonaws.com");
  });

  it("refuses to pick when there is none or more than one", () => {
    expect(() => apiUrlFromOutputs({ a: { WebUrl: "x" } })).toThrow('Expected one "ApiUrl" output in the deploy outputs, found 0');
    expect(() => apiUrlFromOutputs({ a: { ApiUrl: "x" }, b: { ApiUrl: "y" } })).toThrow(/found 2/);
  });
});
