import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { APP_ROLE } from "@data-api/core/db";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { scramMatches } from "../../core/test/scram";
import { handler } from "../src/migrate";

const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:data-api-app-role-AbCdEf";

interface SecretsRequest {
  target: string | undefined;
  body: { SecretId?: string };
}

/** Secrets Manager's GetSecretValue over its real wire protocol (JSON 1.1), answering with `secret`. */
function fakeSecretsManager(secret: () => Record<string, string>) {
  const requests: SecretsRequest[] = [];
  const server: Server = createServer(async (request: IncomingMessage, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    requests.push({ target: request.headers["x-amz-target"] as string | undefined, body: JSON.parse(body) });
    response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
    response.end(JSON.stringify({ ARN: SECRET_ARN, Name: "data-api-app-role", SecretString: JSON.stringify(secret()) }));
  });
  return { server, requests };
}

// The handler only speaks postgres.js (as on Lambda): it runs when CI points DATABASE_URL at PostgreSQL.
describe.skipIf(!process.env.DATABASE_URL)("the migration handler", () => {
  let secret: Record<string, string>;
  const secrets = fakeSecretsManager(() => secret);
  const sql = postgres(process.env.DATABASE_URL ?? "", { max: 1, onnotice: () => {} });

  beforeAll(async () => {
    await new Promise<void>((resolve) => secrets.server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    secrets.server.close();
    await sql.end();
  });
  beforeEach(() => {
    secrets.requests.length = 0;
    vi.stubEnv("MIGRATIONS_DIR", fileURLToPath(new URL("../../../drizzle", import.meta.url)));
    vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", `http://127.0.0.1:${(secrets.server.address() as AddressInfo).port}`);
    vi.stubEnv("AWS_REGION", "eu-west-1");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
  });
  afterEach(() => vi.unstubAllEnvs());

  const verifier = async () => (await sql`SELECT rolpassword FROM pg_authid WHERE rolname = ${APP_ROLE}`)[0]?.rolpassword as string | null;

  it("applies the migrations and gives the application role the password from its secret", async () => {
    secret = { username: APP_ROLE, password: randomUUID() };
    vi.stubEnv("APP_ROLE_SECRET_ARN", SECRET_ARN);
    await expect(handler()).resolves.toEqual({ migrated: true });

    expect(secrets.requests).toEqual([{ target: "secretsmanager.GetSecretValue", body: { SecretId: SECRET_ARN } }]);
    expect(await sql`SELECT to_regclass('public.data') IS NOT NULL AS present`).toEqual([{ present: true }]);
    expect(scramMatches((await verifier())!, secret.password!)).toBe(true);
  });

  it("only migrates when no secret is configured", async () => {
    const before = await verifier();
    await expect(handler()).resolves.toEqual({ migrated: true });
    expect(secrets.requests).toEqual([]);
    expect(await verifier()).toBe(before);
  });

  it("fails, and so fails the deploy, when the migrations cannot be read", async () => {
    vi.stubEnv("MIGRATIONS_DIR", "/nonexistent");
    await expect(handler()).rejects.toThrow(/_journal.json/);
  });

  it("fails the deploy when the secret holds no password", async () => {
    secret = { username: APP_ROLE };
    vi.stubEnv("APP_ROLE_SECRET_ARN", SECRET_ARN);
    await expect(handler()).rejects.toThrow(`Secret ${SECRET_ARN} holds no username and password`);
  });
});

describe("the migration handler, whatever the database", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("refuses to run without a PostgreSQL to migrate", async () => {
    vi.stubEnv("DATABASE_URL", "");
    vi.stubEnv("DB_HOST", "");
    await expect(handler()).rejects.toThrow(/needs DB_HOST or DATABASE_URL/);
  });
});
