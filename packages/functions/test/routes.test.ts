import { gzipSync } from "node:zlib";
import { handle, type LambdaEvent } from "hono/aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../core/test/support/database";
import { postJson, testApp } from "./support/app";
import { httpApiEvent, invoke, lambdaContext, type InvokeResult } from "./support/events";

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
const postBytes = (body: Uint8Array, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: new Uint8Array(body),
});
const NOT_UTF8 = new Uint8Array([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]); // {"name":"\xff"}

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

  it.each(["application/json;charset=\"UTF-8\"", "application/json; charset=utf8", "application/merge-patch+json"])(
    "accepts UTF-8 however it is spelled: %s",
    async (contentType) => {
      const response = await app.request("/data", postJson({ name: "x" }, { "content-type": contentType }));
      expect(response.status).toBe(200);
    },
  );

  it("accepts an identity Content-Encoding", async () => {
    const response = await app.request("/data", postJson({ name: "x" }, { "content-encoding": "identity" }));
    expect(response.status).toBe(200);
  });
});

describe("names in Unicode", () => {
  const COMPOSED = "Zo\u00e9";
  const DECOMPOSED = "Zoe\u0301";

  it("stores a name in NFC, so the same name typed another way is a duplicate", async () => {
    const first = await app.request("/data", postJson({ name: DECOMPOSED }));
    expect(await first.json()).toEqual({ message: "Data inserted successfully", id: 1, name: COMPOSED });
    const second = await app.request("/data", postJson({ name: COMPOSED }));
    expect(second.status).toBe(409);
    expect(await rows()).toEqual([{ id: 1, name: COMPOSED }]);
  });

  it("reads a name sent as UTF-8 bytes exactly", async () => {
    const response = await app.request("/data", postBytes(new TextEncoder().encode(JSON.stringify({ name: "Zoé 👩‍💻" }))));
    expect(response.status).toBe(200);
    expect(await rows()).toEqual([{ id: 1, name: "Zoé 👩‍💻" }]);
  });

  it("refuses lone surrogates instead of storing U+FFFD for each, where a second one would collide", async () => {
    for (const escape of ["\\ud800", "\\udbff", "Zo\\udc00"]) {
      const response = await app.request("/data", postJson(`{"name":"${escape}"}`));
      expect(response.status, escape).toBe(400);
      expect(await response.json()).toEqual({
        message: "name must be well-formed Unicode text",
        errors: [{ field: "name", message: "name must be well-formed Unicode text" }],
      });
    }
    expect(await rows()).toEqual([]);
  });

  it("says why a name of invisible characters is blank", async () => {
    const response = await app.request("/data", postJson({ name: "\u200b" }));
    expect(await response.json()).toEqual({
      message: "name must not be blank: it has only invisible characters",
      errors: [{ field: "name", message: "name must not be blank: it has only invisible characters" }],
    });
  });

  it("tells the client which content coding it may use", async () => {
    const response = await app.request("/data", postJson("{}", { "content-encoding": "gzip" }));
    expect(response.headers.get("accept-encoding")).toBe("identity");
  });
});

describe("API Gateway HTTP API events", () => {
  const handler = () => handle(app);
  const post = (body: string, headers: Record<string, string> = {}, base64 = false) =>
    invoke(handler(), { method: "POST", path: "/data", headers: { "content-type": "application/json", ...headers }, body, base64 });
  /** An event whose body is raw bytes, which only a base64 body can carry. */
  const postRaw = async (bytes: Uint8Array, headers: Record<string, string> = {}): Promise<InvokeResult> => {
    const event = {
      ...httpApiEvent({ method: "POST", path: "/data", headers: { "content-type": "application/json", ...headers } }),
      body: Buffer.from(bytes).toString("base64"),
      isBase64Encoded: true,
    };
    return (await handler()(event as unknown as LambdaEvent, lambdaContext())) as InvokeResult;
  };
  const message = (result: InvokeResult) => JSON.parse(result.body).message;

  it("stores NFC from a text body and from a base64 one, and calls the second form a duplicate", async () => {
    const first = await post(JSON.stringify({ name: "Zoe\u0301" }));
    expect(JSON.parse(first.body)).toMatchObject({ id: 1, name: "Zo\u00e9" });
    expect((await post(JSON.stringify({ name: "Zo\u00e9" }), {}, true)).statusCode).toBe(409);
    expect(await rows()).toEqual([{ id: 1, name: "Zo\u00e9" }]);
  });

  it("refuses a body that is not UTF-8 with 400", async () => {
    const result = await postRaw(NOT_UTF8);
    expect(result.statusCode).toBe(400);
    expect(message(result)).toBe("Request body is not valid UTF-8");
  });

  it("refuses a lone surrogate with 400", async () => {
    const result = await post('{"name":"\\ud800"}');
    expect(result.statusCode).toBe(400);
    expect(message(result)).toBe("name must be well-formed Unicode text");
  });

  it("refuses another charset and a compressed body with 415", async () => {
    const latin1 = await post(JSON.stringify({ name: "a" }), { "content-type": "application/json; charset=latin1" });
    expect([latin1.statusCode, message(latin1)]).toEqual([415, "Content-Type charset latin1 is not supported; send UTF-8"]);
    const gzip = await postRaw(gzipSync(JSON.stringify({ name: "a" })), { "content-encoding": "gzip" });
    expect([gzip.statusCode, message(gzip)]).toEqual([415, "Content-Encoding gzip is not supported; send the body uncompressed"]);
    expect(await rows()).toEqual([]);
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

  it("pages by 100 unless told, with a query or without one", async () => {
    await database.db.query(`insert into data (name) select 'n' || i from generate_series(1, 100) as i`);
    for (const path of ["/data", "/data?", "/data?after=0"]) {
      const response = await app.request(path);
      expect((await response.json()).length, path).toBe(100);
      expect(response.headers.get("link"), path).toBe('</data?after=100>; rel="next"');
    }
  });

  it("links to the next page, keeping the other query parameters", async () => {
    const first = await app.request("http://api.test/data?limit=2");
    expect(await first.json()).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "b" },
    ]);
    expect(first.headers.get("link")).toBe('</data?limit=2&after=2>; rel="next"');
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
    ["zero-width space only", "/data", postJson({ name: "\u200b\u200b" }), 400, /only invisible characters/],
    ["soft hyphen only", "/data", postJson({ name: "\u00ad" }), 400, /only invisible characters/],
    ["Hangul filler only", "/data", postJson({ name: "\u3164" }), 400, /only invisible characters/],
    ["word joiner and BOM only", "/data", postJson({ name: " \u2060\ufeff " }), 400, /only invisible characters/],
    ["combining mark only", "/data", postJson({ name: "\u0301" }), 400, /only invisible characters/],
    ["too long after NFC", "/data", postJson({ name: "\u0958".repeat(51) }), 400, /at most 100 characters/],
    ["lone surrogate", "/data", postJson('{"name":"\\ud800"}'), 400, /well-formed Unicode/],
    ["replacement character", "/data", postJson({ name: "Zo\ufffd" }), 400, /U\+FFFD/],
    ["invalid UTF-8", "/data", postBytes(NOT_UTF8), 400, /not valid UTF-8/],
    ["truncated UTF-8", "/data", postBytes(new Uint8Array([...new TextEncoder().encode('{"name":"Zo'), 0xc3])), 400, /not valid UTF-8/],
    ["not JSON", "/data", postJson("{name: 'a'"), 400, /not valid JSON/],
    ["empty body", "/data", postJson(""), 400, /empty/],
    ["array body", "/data", postJson([{ name: "a" }]), 400, /JSON object/],
    ["null body", "/data", postJson("null"), 400, /JSON object/],
    ["text/plain", "/data", { method: "POST", headers: { "content-type": "text/plain" }, body: '{"name":"a"}' }, 415, /application\/json/],
    ["form", "/data", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "name=a" }, 415, /application\/json/],
    ["no content type", "/data", { method: "POST", body: new Blob(['{"name":"a"}']) }, 415, /application\/json/],
    ["latin1 charset", "/data", postJson({ name: "a" }, { "content-type": "application/json; charset=latin1" }), 415, /charset latin1/],
    ["UTF-16 charset", "/data", postJson({ name: "a" }, { "content-type": "application/json; charset=utf-16" }), 415, /charset utf-16/],
    ["gzip body", "/data", postBytes(gzipSync('{"name":"a"}'), { "content-encoding": "gzip" }), 415, /Content-Encoding gzip/],
    ["deflate after identity", "/data", postJson({ name: "a" }, { "content-encoding": "identity, deflate" }), 415, /Content-Encoding deflate/],
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
    await database.asOwner((owner) => owner.query(`alter table data rename to data_moved`));
    try {
      const response = await app.request("/data", { headers: { "x-request-id": "req-123" } });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ message: "Internal server error", requestId: "req-123" });
      expect(reported).toHaveLength(1);
    } finally {
      await database.asOwner((owner) => owner.query(`alter table data_moved rename to data`));
    }
  });
});
