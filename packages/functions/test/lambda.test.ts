import { handle } from "hono/aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../core/test/support/database";
import { boundSecretEnv, startFakeSsm } from "../../core/test/support/ssm";
import { testApp } from "./support/app";
import { invoke, jwtClaims, type EventInput, type InvokeResult } from "./support/events";

let database: TestDatabase;
let call: (input: EventInput) => Promise<InvokeResult>;

beforeAll(async () => {
  database = await openTestDatabase();
  const handler = handle(testApp(database.db).app);
  call = (input) => invoke(handler, input);
});
afterAll(() => database.close());
beforeEach(() => database.reset());

const create = (name: string, extra: Partial<EventInput> = {}) =>
  call({ method: "POST", path: "/data", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }), ...extra });

describe("the Lambda handler on API Gateway HTTP API events", () => {
  it("creates from a plain JSON body", async () => {
    const result = await create("Ada");
    expect(result.statusCode).toBe(200);
    expect(result.headers["content-type"]).toMatch(/application\/json/);
    expect(JSON.parse(result.body)).toEqual({ message: "Data inserted successfully", id: 1, name: "Ada" });
  });

  it("decodes a base64 body", async () => {
    const result = await create("Grace", { base64: true });
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ name: "Grace" });
  });

  it("reads the query string and links the next page relative to the request, whatever its Host", async () => {
    await create("a");
    await create("b");
    const result = await call({ method: "GET", path: "/data", query: "limit=1", headers: { host: "evil.example" } });
    expect(JSON.parse(result.body)).toEqual([{ id: 1, name: "a" }]);
    expect(result.headers.link).toBe('</data?limit=1&after=1>; rel="next"');
  });

  it("takes the id from the path", async () => {
    await create("a");
    const result = await call({ method: "DELETE", path: "/data/1", pathParameters: { id: "1" } });
    expect(JSON.parse(result.body)).toEqual({ message: "Data deleted successfully" });
  });

  it("is unbothered by cookies and extra headers", async () => {
    const result = await create("c", { cookies: ["session=abc", "theme=dark"], headers: { "content-type": "application/json", "x-custom": "1" } });
    expect(result.statusCode).toBe(200);
  });

  it("answers unknown routes with JSON", async () => {
    const result = await call({ method: "GET", path: "/prod/data" });
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body).message).toBe("No route for GET /prod/data");
  });

  it("names API Gateway's request id when something unexpected fails", async () => {
    await database.asOwner((owner) => owner.query(`alter table data rename to data_moved`));
    try {
      const result = await call({ method: "GET", path: "/data", requestId: "gw-req-42" });
      expect(result.statusCode).toBe(500);
      expect(JSON.parse(result.body)).toEqual({ message: "Internal server error", requestId: "gw-req-42" });
    } finally {
      await database.asOwner((owner) => owner.query(`alter table data_moved rename to data`));
    }
  });
});

describe.runIf(process.env.DATABASE_URL)("the deployed entry point (packages/functions/src/api.ts)", () => {
  it("builds its app from the environment", async () => {
    vi.stubEnv("STAGE", "ci");
    vi.stubEnv("APP_VERSION", "9.9.9");
    const { handler } = await import("../src/api");
    const result = await invoke(handler, { method: "GET", path: "/health" });
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ status: "ok", checks: { database: "ok" }, version: "9.9.9", stage: "ci" });
    vi.unstubAllEnvs();
  });

  it("applies the stage's WRITES with the authorizer's claims, and EXPOSE_CREATED_BY", async () => {
    vi.stubEnv("WRITES", "signed-in");
    vi.stubEnv("EXPOSE_CREATED_BY", "true");
    vi.resetModules();
    try {
      const { handler } = await import("../src/api");
      const post = (extra: Partial<EventInput>) =>
        invoke(handler, { method: "POST", path: "/data", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "Ada" }), ...extra });
      expect((await post({})).statusCode).toBe(401);
      expect((await post({ authorizer: jwtClaims("user-1", "openid") })).statusCode).toBe(403);
      expect((await post({ authorizer: jwtClaims("user-1", "openid data/write") })).statusCode).toBe(200);
      const listed = await invoke(handler, { method: "GET", path: "/data" });
      expect(JSON.parse(listed.body)).toEqual([{ id: 1, name: "Ada", createdBy: "user-1" }]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("reaches the developer's database through the URL in its bound SST secret, not a plain setting", async () => {
    const ssm = await startFakeSsm();
    try {
      ssm.state.parameters["/sst/data-api/alice/Secret/DATABASE_URL/value"] = process.env.DATABASE_URL!;
      for (const [name, value] of Object.entries(boundSecretEnv("DATABASE_URL", "alice", ssm.endpoint))) vi.stubEnv(name, value);
      vi.stubEnv("DATABASE_URL", undefined);
      vi.stubEnv("STAGE", "alice");
      vi.resetModules();
      const { handler } = await import("../src/api");
      const result = await invoke(handler, { method: "GET", path: "/health" });
      expect(JSON.parse(result.body)).toMatchObject({ status: "ok", checks: { database: "ok" }, stage: "alice" });
      expect(ssm.state.received).toHaveLength(1);
    } finally {
      vi.unstubAllEnvs();
      await ssm.close();
    }
  });
});
