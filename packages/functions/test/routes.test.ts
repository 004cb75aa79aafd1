import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../core/test/support/database";
import { postJson, testApp } from "./support/app";

let database: TestDatabase;
let app: ReturnType<typeof testApp>["app"];
let reported: unknown[];

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());
beforeEach(async () => {
  await database.reset();
  ({ app, reported } = testApp(database.db));
});

const rows = async () => (await app.request("/data")).json();

describe("POST /data", () => {
  it("inserts and answers like the Flask app, plus the new row", async () => {
    const response = await app.request("/data", postJson({ name: "Ada" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: "Data inserted successfully", id: 1, name: "Ada" });
  });

  it("answers 409 for a name that exists", async () => {
    await app.request("/data", postJson({ name: "Ada" }));
    const response = await app.request("/data", postJson({ name: "Ada" }));
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ message: "Data already exists" });
  });

  it("gives one 200 and 49 409s to 50 concurrent inserts of one name", async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => app.request("/data", postJson({ name: "race" }))),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    expect(await rows()).toEqual([{ id: expect.any(Number), name: "race" }]);
  });

  it("accepts a JSON content type with parameters", async () => {
    const response = await app.request("/data", postJson({ name: "x" }, { "content-type": "application/json; charset=utf-8" }));
    expect(response.status).toBe(200);
  });
});

describe("GET /data", () => {
  beforeEach(async () => {
    for (const name of ["a", "b", "c"]) await app.request("/data", postJson({ name }));
  });

  it("lists rows ordered by id without a next link when all fit", async () => {
    const response = await app.request("/data");
    expect(response.status).toBe(200);
    expect(response.headers.get("link")).toBeNull();
    expect(await response.json()).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "b" },
      { id: 3, name: "c" },
    ]);
  });

  it("links to the next page, keeping the other query parameters", async () => {
    const first = await app.request("http://api.test/data?limit=2");
    expect(await first.json()).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "b" },
    ]);
    expect(first.headers.get("link")).toBe('<http://api.test/data?limit=2&after=2>; rel="next"');
    const second = await app.request("http://api.test/data?limit=2&after=2");
    expect(await second.json()).toEqual([{ id: 3, name: "c" }]);
    expect(second.headers.get("link")).toBeNull();
  });
});

describe("DELETE /data/:id", () => {
  it("deletes, then reports the row gone", async () => {
    await app.request("/data", postJson({ name: "a" }));
    const deleted = await app.request("/data/1", { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ message: "Data deleted successfully" });
    const again = await app.request("/data/1", { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ message: "Data not found" });
    expect(await rows()).toEqual([]);
  });
});

describe("GET /health", () => {
  it("reports the database, version and stage", async () => {
    const response = await app.request("/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", checks: { database: "ok" }, version: "1.2.3", stage: "test" });
  });
});

describe("bad input", () => {
  const big = JSON.stringify({ name: "x".repeat(70 * 1024) });
  const cases: [string, string, RequestInit, number, RegExp][] = [
    ["wrong type", "/data", postJson({ name: 5 }), 400, /name must be a string/],
    ["missing name", "/data", postJson({}), 400, /name is required/],
    ["blank name", "/data", postJson({ name: "   " }), 400, /name must not be blank/],
    ["too long", "/data", postJson({ name: "x".repeat(101) }), 400, /at most 100 characters/],
    ["control characters", "/data", postJson({ name: "a\u0007" }), 400, /control characters/],
    ["not JSON", "/data", postJson("{name: 'a'"), 400, /not valid JSON/],
    ["empty body", "/data", postJson(""), 400, /empty/],
    ["array body", "/data", postJson([{ name: "a" }]), 400, /JSON object/],
    ["null body", "/data", postJson("null"), 400, /JSON object/],
    ["text/plain", "/data", { method: "POST", headers: { "content-type": "text/plain" }, body: '{"name":"a"}' }, 415, /application\/json/],
    ["form", "/data", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "name=a" }, 415, /application\/json/],
    ["no content type", "/data", { method: "POST", body: new Blob(['{"name":"a"}']) }, 415, /application\/json/],
    ["over 64 KiB, announced", "/data", postJson(big, { "content-length": String(big.length) }), 413, /64 KiB/],
    ["over 64 KiB, streamed", "/data", postJson(big), 413, /64 KiB/],
    ["non-numeric id", "/data/abc", { method: "DELETE" }, 400, /id must be a positive integer/],
    ["id out of range", "/data/99999999999999999999", { method: "DELETE" }, 400, /id must be between 1 and 2147483647/],
    ["id zero", "/data/0", { method: "DELETE" }, 400, /id must be between/],
    ["bad limit", "/data?limit=5000", {}, 400, /limit must be between 1 and 1000/],
    ["bad cursor", "/data?after=-1", {}, 400, /after must be a non-negative integer/],
    ["unknown route", "/nope", {}, 404, /No route for GET \/nope/],
    ["trailing path", "/data/1/extra", { method: "DELETE" }, 404, /No route/],
    ["wrong method on collection", "/data", { method: "PUT" }, 405, /PUT is not allowed/],
    ["wrong method on item", "/data/1", { method: "GET" }, 405, /GET is not allowed/],
    ["wrong method on health", "/health", { method: "POST" }, 405, /POST is not allowed/],
  ];

  it.each(cases)("%s: %s gets a JSON %i and writes nothing", async (_, path, init, status, message) => {
    const response = await app.request(path, init);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = await response.json();
    expect(body.message).toMatch(message);
    expect(await rows()).toEqual([]);
    expect(reported).toEqual([]);
  });

  it("names each invalid field", async () => {
    const response = await app.request("/data", postJson({ name: "" }));
    expect(await response.json()).toEqual({
      message: "name must not be blank",
      errors: [{ field: "name", message: "name must not be blank" }],
    });
  });

  it("lists the allowed methods on 405", async () => {
    const response = await app.request("/data/1", { method: "PATCH" });
    expect(response.headers.get("allow")).toBe("DELETE");
  });
});

describe("unexpected failures", () => {
  it("answer 500 with a request id and no internals, and are reported", async () => {
    await database.db.execute(sql`alter table data rename to data_moved`);
    try {
      const response = await app.request("/data", { headers: { "x-request-id": "req-123" } });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ message: "Internal server error", requestId: "req-123" });
      expect(reported).toHaveLength(1);
    } finally {
      await database.db.execute(sql`alter table data_moved rename to data`);
    }
  });
});
