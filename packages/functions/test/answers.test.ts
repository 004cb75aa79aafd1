import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../core/test/support/database";
import type { AppEnv } from "../src/app-env";
import { completeHeaders, respond, startHeaders } from "../src/http/answer";
import { OPENAPI_CACHE_CONTROL } from "../src/routes/openapi";
import { postJson, testApp } from "./support/app";
import { invoke } from "./support/events";

let database: TestDatabase;
let app: ReturnType<typeof testApp>["app"];

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());
beforeEach(async () => {
  await database.reset();
  ({ app } = testApp(database.db));
});

describe("every answer of the API", () => {
  it.each([
    ["GET", "/data", undefined, 200],
    ["POST", "/data", postJson({ name: "Ada" }), 200],
    ["POST", "/data", postJson({ name: " " }), 400],
    ["GET", "/nowhere", undefined, 404],
    ["PUT", "/data", undefined, 405],
    ["GET", "/health", undefined, 200],
  ])("%s %s (%s) is never sniffed as another type, nor stored by a cache", async (method, path, init, status) => {
    const response = await app.request(path, { method, ...init });
    expect(response.status).toBe(status);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("carries the same headers on Lambda", async () => {
    const result = await invoke(handle(app), { method: "GET", path: "/data" });
    expect(result.headers).toMatchObject({ "x-content-type-options": "nosniff", "cache-control": "no-store" });
  });

  it("keeps what a route says about caching: the OpenAPI document may be kept", async () => {
    const response = await app.request("/openapi.json");
    expect(response.headers.get("cache-control")).toBe(OPENAPI_CACHE_CONTROL);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("an answer that repeats the request", () => {
  it("repeats at most 100 characters of a long path", async () => {
    const path = `/${"x".repeat(15_000)}`;
    const response = await app.request(path);
    const body = await response.json();
    expect(response.status).toBe(404);
    expect(body.message).toBe(`No route for GET /${"x".repeat(99)}…`);
    expect(JSON.stringify(body).length).toBeLessThan(200);
  });

  it("does the same for a wrong method on a long path", async () => {
    const response = await app.request(`/data/${"9".repeat(5_000)}`, { method: "PUT" });
    expect(response.status).toBe(405);
    expect((await response.json()).message.length).toBeLessThan(200);
  });

  it("links the next page relative to the request: a spoofed Host goes nowhere", async () => {
    for (const name of ["a", "b"]) await app.request("/data", postJson({ name }));
    const response = await app.request("http://evil.example/data?limit=1", { headers: { host: "evil.example" } });
    expect(response.headers.get("link")).toBe('</data?limit=1&after=1>; rel="next"');
  });
});

describe("an answer's headers", () => {
  // As observe does: the request's ids before the route runs, and the answer completed after it.
  const withDefaults = () =>
    new Hono<AppEnv>().use(async (c, next) => {
      startHeaders(c, "r-1", "c-1");
      await next();
      completeHeaders(c);
    });

  it("are one field per name: a route's own replaces a default", async () => {
    const response = await withDefaults()
      .get("/own", (c) => respond(c, "{}", 200, { "cache-control": "private" }))
      .request("/own");
    expect(response.headers.get("cache-control")).toBe("private");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-request-id")).toBe("r-1");
    expect(response.headers.get("x-correlation-id")).toBe("c-1");
  });

  it("have the defaults where nothing set a header before the answer was made", async () => {
    const response = await new Hono<AppEnv>().get("/bare", (c) => respond(c, "{}", 200, {})).request("/bare");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("reach an answer that Hono's helpers made, beside the headers it set itself", async () => {
    const response = await withDefaults()
      .get("/page", (c) => c.text("page", 200, { "Cache-Control": "no-cache" }))
      .request("/page");
    expect(await response.text()).toBe("page");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-request-id")).toBe("r-1");
  });
});
