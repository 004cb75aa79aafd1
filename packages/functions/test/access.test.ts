import { WRITE_SCOPE } from "@data-api/core/access";
import { handle } from "hono/aws-lambda";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../core/test/support/database";
import { authorizerClaims } from "../src/access/authorizer";
import { MESSAGES, type Identify } from "../src/access/caller";
import { createApp, type AppOptions } from "../src/app";
import { openIssuer, tokenVerifier } from "../src/host/token-verifier";
import { terminalTelemetry } from "../src/observability/terminal";
import { cloudTelemetry } from "../src/observability/telemetry";
import { checkedAgainstDocument, postJson, silentTelemetry } from "./support/app";
import { invoke, jwtClaims, type EventInput } from "./support/events";
import { startOidcProvider, type TestOidcProvider } from "./support/oidc";
import { captureOutput } from "./support/output";

const settings = { stage: "test", version: "1.2.3", healthTimeoutMs: 1_000 };
const WRITE = WRITE_SCOPE.full;

const CHALLENGE = {
  missing: "Bearer",
  invalid: 'Bearer error="invalid_token"',
  scope: `Bearer error="insufficient_scope", scope="${WRITE}"`,
};

let database: TestDatabase;
let idp: TestOidcProvider;
/** Another issuer signing with the very same key: only `iss` tells its tokens apart. */
let twin: TestOidcProvider;
let verify: Identify;

beforeAll(async () => {
  database = await openTestDatabase();
  idp = await startOidcProvider();
  twin = await startOidcProvider({ signingKey: idp.signingKey });
  verify = await tokenVerifier({ issuer: idp.issuer, audiences: [idp.audience] });
});
afterAll(async () => {
  await Promise.all([database?.close(), idp?.close(), twin?.close()]);
});
beforeEach(() => database.reset());

/** The app as `npm start` builds it with AUTH_ISSUER set: signed-in writes, tokens verified in the app. */
const localApp = (overrides: Partial<AppOptions> = {}) =>
  checkedAgainstDocument(createApp({ db: database.db, ...settings, writes: "signed-in", identify: verify, telemetry: silentTelemetry(), ...overrides }));

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const rows = () => database.asOwner((owner) => owner.query(`select id, name, created_by from data order by id`));
const rowsOf = async () => {
  const result: unknown = await rows();
  return Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
};
const seed = (name = "kept", createdBy: string | null = null) =>
  database.asOwner((owner) => owner.query(`insert into data (name, created_by) values ($1, $2)`, [name, createdBy]));

/** Waits until `token` has expired, by the second (JWT times are whole seconds). */
async function expiry(token: string): Promise<string> {
  const { exp } = decodeJwt(token);
  const wait = exp! * 1_000 - Date.now() + 20;
  if (wait > 5_000) throw new Error(`the short-lived token lives ${Math.round(wait / 1_000)} s`);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
  return token;
}

type Case = { name: string; status: 200 | 401 | 403; challenge?: string; message?: RegExp | string };
const MATRIX: Case[] = [
  { name: "no token", status: 401, challenge: CHALLENGE.missing, message: MESSAGES.signIn },
  { name: "an expired token", status: 401, challenge: CHALLENGE.invalid, message: /^The access token has expired: sign in again$/ },
  { name: "a token for another audience", status: 401, challenge: CHALLENGE.invalid, message: /is for another API or client: sign in again/ },
  { name: "a token from another issuer", status: 401, challenge: CHALLENGE.invalid, message: /from another issuer than the one this API trusts: sign in again/ },
  { name: "a token signed by another key", status: 401, challenge: CHALLENGE.invalid, message: /signature is not its issuer's: sign in again/ },
  { name: "a token without the write scope", status: 403, challenge: CHALLENGE.scope, message: MESSAGES.noWriteScope },
  { name: "a valid token with the write scope", status: 200 },
];

describe("writes under npm start with AUTH_ISSUER: the app verifies the bearer token (jose, against the issuer's JWKS)", () => {
  const tokens = new Map<string, string | undefined>();

  beforeAll(async () => {
    const shortLived = idp.clientCredentials({ scope: WRITE, ttlSeconds: 1 });
    tokens.set("no token", undefined);
    tokens.set("a token for another audience", await idp.clientCredentials({ scope: WRITE, resource: idp.otherResource }));
    tokens.set("a token from another issuer", await twin.clientCredentials({ scope: WRITE }));
    tokens.set("a token signed by another key", await idp.forge(await idp.clientCredentials({ scope: WRITE })));
    tokens.set("a token without the write scope", await idp.clientCredentials({ scope: "data/read" }));
    tokens.set("a valid token with the write scope", await idp.clientCredentials({ scope: WRITE }));
    tokens.set("an expired token", await expiry(await shortLived));
  });

  const headersFor = (name: string) => {
    const token = tokens.get(name);
    return token === undefined ? {} : bearer(token);
  };

  it.each(MATRIX)("POST /data with $name: $status", async ({ name, status, challenge, message }) => {
    const response = await localApp().request("/data", postJson({ name: "Ada" }, headersFor(name)));

    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await response.json()) as { message: string };
    if (status === 200) {
      expect(body).toEqual({ message: "Data inserted successfully", id: 1, name: "Ada" });
      expect(await rowsOf()).toEqual([{ id: 1, name: "Ada", created_by: idp.machine.clientId }]);
      expect(response.headers.get("www-authenticate")).toBeNull();
    } else {
      expect(Object.keys(body)).toEqual(["message"]);
      if (typeof message === "string") expect(body.message).toBe(message);
      else expect(body.message).toMatch(message!);
      expect(response.headers.get("www-authenticate")).toBe(challenge);
      expect(await rowsOf()).toEqual([]);
    }
  });

  it.each(MATRIX)("DELETE /data/1 with $name: $status", async ({ name, status, challenge, message }) => {
    await seed();
    const response = await localApp().request("/data/1", { method: "DELETE", headers: headersFor(name) });

    expect(response.status).toBe(status);
    const body = (await response.json()) as { message: string };
    if (status === 200) {
      expect(body).toEqual({ message: "Data deleted successfully" });
      expect(await rowsOf()).toEqual([]);
    } else {
      if (typeof message === "string") expect(body.message).toBe(message);
      else expect(body.message).toMatch(message!);
      expect(response.headers.get("www-authenticate")).toBe(challenge);
      expect(await rowsOf()).toHaveLength(1);
    }
  });

  it("refuses before reading the body: a refused write of 70 KB is a 401, not a 413, and no ValidationRejected", async () => {
    const response = await localApp().request("/data", postJson({ name: "x".repeat(70_000) }));
    expect(response.status).toBe(401);
  });

  it("keeps the business rules for a caller who may write (Flask's messages)", async () => {
    const headers = bearer(tokens.get("a valid token with the write scope")!);
    const app = localApp();
    await app.request("/data", postJson({ name: "Ada" }, headers));
    const duplicate = await app.request("/data", postJson({ name: "Ada" }, headers));
    const missing = await app.request("/data/99", { method: "DELETE", headers });
    const invalid = await app.request("/data", postJson({ name: " " }, headers));
    expect([duplicate.status, missing.status, invalid.status]).toEqual([409, 404, 400]);
    expect(await duplicate.json()).toEqual({ message: "Data already exists" });
    expect(await missing.json()).toEqual({ message: "Data not found" });
  });

  it("leaves reads public: GET /data and /health answer without a token, and with a bad one", async () => {
    await seed("visible");
    const app = localApp();
    for (const headers of [{}, bearer("not-a-token"), bearer(tokens.get("an expired token")!)]) {
      const list = await app.request("/data", { headers });
      const health = await app.request("/health", { headers });
      expect([list.status, health.status]).toEqual([200, 200]);
      expect(await list.json()).toEqual([{ id: 1, name: "visible" }]);
    }
  });

  it("refuses what is not a token, and treats another scheme as no credentials (RFC 6750)", async () => {
    const app = localApp();
    const garbage = await app.request("/data", postJson({ name: "x" }, bearer("abc.def")));
    const empty = await app.request("/data", postJson({ name: "x" }, { authorization: "Bearer " }));
    const basic = await app.request("/data", postJson({ name: "x" }, { authorization: "Basic bWFjaGluZTpzZWNyZXQ=" }));
    const unsigned = await app.request(
      "/data",
      postJson({ name: "x" }, bearer(`${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify(decodeJwt(tokens.get("a valid token with the write scope")!))).toString("base64url")}.`)),
    );
    for (const response of [garbage, empty, unsigned]) {
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(CHALLENGE.invalid);
      expect(((await response.json()) as { message: string }).message).toMatch(/^The access token is malformed: send the access token the sign-in gave you/);
    }
    expect(basic.status).toBe(401);
    expect(basic.headers.get("www-authenticate")).toBe(CHALLENGE.missing);
    expect(await rowsOf()).toEqual([]);
  });

  it("accepts Cognito's access tokens, which carry no aud: their client_id is the audience", async () => {
    const app = localApp({ identify: await tokenVerifier({ issuer: idp.issuer, audiences: ["3n4b5urk1ft4fl3mg5e62d9ado"] }) });
    const now = Math.floor(Date.now() / 1_000);
    const cognito = (clientId: string) =>
      idp.sign({ iss: idp.issuer, sub: "7c1e-user", client_id: clientId, token_use: "access", scope: `openid ${WRITE}`, iat: now, exp: now + 60 });

    const ours = await app.request("/data", postJson({ name: "by Cognito" }, bearer(await cognito("3n4b5urk1ft4fl3mg5e62d9ado"))));
    const theirs = await app.request("/data", postJson({ name: "elsewhere" }, bearer(await cognito("some-other-client"))));

    expect(ours.status).toBe(200);
    expect(theirs.status).toBe(401);
    expect(await rowsOf()).toEqual([{ id: 1, name: "by Cognito", created_by: "7c1e-user" }]);
  });

  it("refuses a token without an expiry or a subject, whatever its signature", async () => {
    const app = localApp();
    const now = Math.floor(Date.now() / 1_000);
    const base = { iss: idp.issuer, aud: idp.audience, scope: WRITE, iat: now };
    const forever = await app.request("/data", postJson({ name: "x" }, bearer(await idp.sign({ ...base, sub: "s" }))));
    const nobody = await app.request("/data", postJson({ name: "x" }, bearer(await idp.sign({ ...base, exp: now + 60 }))));
    expect([forever.status, nobody.status]).toEqual([401, 401]);
    expect(((await forever.json()) as { message: string }).message).toMatch(/exp claim is missing or not valid: sign in again/);
    expect(((await nobody.json()) as { message: string }).message).toBe("The access token names no subject (sub): sign in again");
  });

  it("takes a user's token from the authorization code flow with PKCE, and stores the user as the creator", async () => {
    const redirectUri = "http://127.0.0.1:5999/";
    const withPage = await startOidcProvider({ publicClients: [{ clientId: "page", redirectUris: [redirectUri] }] });
    try {
      const app = localApp({ identify: await tokenVerifier({ issuer: withPage.issuer, audiences: [withPage.audience] }) });
      const { access_token: token } = await withPage.signIn({ clientId: "page", redirectUri, scope: `openid ${WRITE}`, login: "grace" });
      const { access_token: readOnly } = await withPage.signIn({ clientId: "page", redirectUri, scope: "openid", login: "linus" });

      expect((await app.request("/data", postJson({ name: "Grace's" }, bearer(token)))).status).toBe(200);
      expect((await app.request("/data", postJson({ name: "Linus's" }, bearer(readOnly)))).status).toBe(403);
      expect(await rowsOf()).toEqual([{ id: 1, name: "Grace's", created_by: "grace" }]);
    } finally {
      await withPage.close();
    }
  });

  it("answers 503 JSON in bounded time and logs why when the issuer's keys cannot be fetched: a dependency's failure, not the caller's", async () => {
    const gone = await startOidcProvider();
    const identify = await tokenVerifier({ issuer: gone.issuer, audiences: [gone.audience] }, { timeoutMs: 1_000 });
    const token = await gone.clientCredentials({ scope: WRITE });
    await gone.close();
    const { result, logs } = await captureOutput(async () => {
      const app = checkedAgainstDocument(createApp({ db: database.db, ...settings, writes: "signed-in", identify, telemetry: cloudTelemetry(settings) }));
      return app.request("/data", postJson({ name: "x" }, bearer(token)));
    });
    expect(result.status).toBe(503);
    expect(await result.json()).toEqual({ message: `Cannot verify access tokens: the keys of ${gone.issuer} are out of reach` });
    expect(logs[0]?.error).toMatchObject({ message: `Cannot verify access tokens: the keys of ${gone.issuer} are out of reach` });
  });

  it("reads the issuer's discovery document at start, and refuses an issuer that names itself otherwise", async () => {
    // What the page signing in there fetches from, for npm start's Content-Security-Policy.
    expect((await openIssuer({ issuer: idp.issuer, audiences: [idp.audience] })).origins).toEqual([idp.issuer]);
    await expect(tokenVerifier({ issuer: `${idp.issuer}/`, audiences: ["x"] })).rejects.toThrow(
      `names the issuer "${idp.issuer}": set AUTH_ISSUER to exactly that`,
    );
    await expect(tokenVerifier({ issuer: `${idp.issuer}/nowhere`, audiences: ["x"] })).rejects.toThrow(/answered 404: is AUTH_ISSUER the issuer's URL\?/);
  });
});

describe("who is on record", () => {
  let writer: string;
  beforeAll(async () => {
    writer = await idp.clientCredentials({ scope: WRITE });
  });

  it("stores the caller's subject as created_by, and null for an anonymous write on a public stage", async () => {
    await localApp().request("/data", postJson({ name: "signed" }, bearer(writer)));
    await localApp({ writes: "public", identify: () => ({ kind: "anonymous" }) }).request("/data", postJson({ name: "anonymous" }));
    expect(await rowsOf()).toEqual([
      { id: 1, name: "signed", created_by: "machine" },
      { id: 2, name: "anonymous", created_by: null },
    ]);
  });

  it("writes the caller into each write's log line, and what a delete removed beside who removed it", async () => {
    await seed("Ada", "someone-else");
    const { logs } = await captureOutput(async () => {
      const app = localApp({ telemetry: cloudTelemetry(settings) });
      await app.request("/data", postJson({ name: "Grace" }, bearer(writer)));
      await app.request("/data/1", { method: "DELETE", headers: bearer(writer) });
      await app.request("/data/2", { method: "DELETE" });
    });

    expect(logs).toHaveLength(3);
    expect(logs[0]).toMatchObject({ message: "POST /data 200", caller: "machine" });
    expect(logs[1]).toMatchObject({
      message: "DELETE /data/1 200",
      caller: "machine",
      removed: { id: 1, name: "Ada", createdBy: "someone-else", createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    });
    expect(logs[2]).toMatchObject({ message: "DELETE /data/2 401" });
    expect(logs[2]).not.toHaveProperty("caller");
    expect(logs[2]).not.toHaveProperty("removed");
  });

  it("says the same in npm start's readable line", async () => {
    await seed("Ada");
    const { lines } = await captureOutput(async () => {
      await localApp({ telemetry: terminalTelemetry(settings) }).request("/data/1", { method: "DELETE", headers: bearer(writer) });
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ INFO {2}DELETE \/data\/1 200 route=\/data\/:id .*caller=machine removed=\{"id":1,"name":"Ada","createdAt":"[^"]+","createdBy":null\}/);
  });

  it("shows createdBy in GET /data only where the stage says so", async () => {
    await seed("a", "machine");
    await seed("b");
    expect(await (await localApp().request("/data")).json()).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "b" },
    ]);
    expect(await (await localApp({ exposeCreatedBy: true }).request("/data")).json()).toEqual([
      { id: 1, name: "a", createdBy: "machine" },
      { id: 2, name: "b", createdBy: null },
    ]);
  });
});

describe("writes on Lambda: API Gateway's JWT authorizer verified the token, the app reads its claims", () => {
  const lambda = (writes: "public" | "signed-in") => {
    const handler = handle(createApp({ db: database.db, ...settings, writes, identify: authorizerClaims, telemetry: silentTelemetry() }));
    return (input: EventInput) => invoke(handler, input);
  };
  const post = (name: string, extra: Partial<EventInput> = {}): EventInput => ({
    method: "POST",
    path: "/data",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
    ...extra,
  });
  const remove = (extra: Partial<EventInput> = {}): EventInput => ({ method: "DELETE", path: "/data/1", pathParameters: { id: "1" }, ...extra });

  it.each([
    { case: "no claims on a signed-in stage", writes: "signed-in", authorizer: undefined, status: 401, challenge: CHALLENGE.missing },
    { case: "claims without the scope", writes: "signed-in", authorizer: jwtClaims("user-1", "openid profile"), status: 403, challenge: CHALLENGE.scope },
    { case: "claims with the scope", writes: "signed-in", authorizer: jwtClaims("user-1", `openid ${WRITE}`), status: 200, challenge: undefined },
    {
      case: "the scope in the claim only (scopes: null)",
      writes: "signed-in",
      authorizer: { ...jwtClaims("user-1", WRITE), scopes: null },
      status: 200,
      challenge: undefined,
    },
    { case: "a public stage and no claims", writes: "public", authorizer: undefined, status: 200, challenge: undefined },
  ] as const)("$case: POST and DELETE answer $status", async ({ writes, authorizer, status, challenge }) => {
    const call = lambda(writes);
    const created = await call(post("Ada", { authorizer }));
    expect(created.statusCode).toBe(status);
    expect(created.headers["www-authenticate"]).toBe(challenge);
    if (status !== 200) {
      expect(JSON.parse(created.body)).toEqual({ message: status === 401 ? MESSAGES.signIn : MESSAGES.noWriteScope });
      await seed("Ada");
    } else {
      expect(await rowsOf()).toEqual([{ id: 1, name: "Ada", created_by: authorizer ? "user-1" : null }]);
    }
    const deleted = await call(remove({ authorizer }));
    expect(deleted.statusCode).toBe(status);
    expect(deleted.headers["www-authenticate"]).toBe(challenge);
    expect(await rowsOf()).toHaveLength(status === 200 ? 0 : 1);
  });

  it("records the subject of a public stage's caller when there are claims", async () => {
    await lambda("public")(post("Ada", { authorizer: jwtClaims("client-7", "") }));
    expect(await rowsOf()).toEqual([{ id: 1, name: "Ada", created_by: "client-7" }]);
  });

  it("refuses claims without a subject", async () => {
    const { claims } = jwtClaims("x", WRITE);
    const result = await lambda("signed-in")(post("Ada", { authorizer: { claims: { ...claims, sub: "" }, scopes: [WRITE] } }));
    expect(result.statusCode).toBe(401);
    expect(result.headers["www-authenticate"]).toBe(CHALLENGE.invalid);
  });

  it("never looks at a bearer token itself: one the authorizer did not vouch for is no credential", async () => {
    const token = await idp.clientCredentials({ scope: WRITE });
    const result = await lambda("signed-in")(post("Ada", { headers: { "content-type": "application/json", ...bearer(token) } }));
    expect(result.statusCode).toBe(401);
  });

  it("leaves reads public", async () => {
    const call = lambda("signed-in");
    expect((await call({ method: "GET", path: "/data" })).statusCode).toBe(200);
    expect((await call({ method: "GET", path: "/health" })).statusCode).toBe(200);
  });

  it("puts the caller in the JSON log line", async () => {
    const handler = handle(createApp({ db: database.db, ...settings, writes: "signed-in", identify: authorizerClaims, telemetry: cloudTelemetry(settings) }));
    const { logs } = await captureOutput(() => invoke(handler, post("Ada", { authorizer: jwtClaims("user-9", WRITE) })));
    expect(logs[0]).toMatchObject({ message: "POST /data 200", caller: "user-9" });
  });
});
