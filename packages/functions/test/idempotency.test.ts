import { handle } from "hono/aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cutCommitsOfData } from "../../core/test/support/commit-cut";
import { openTestDatabase, type TestDatabase } from "../../core/test/support/database";
import { postJson, testApp } from "./support/app";
import { invoke, jwtClaims, type EventInput } from "./support/events";

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

const KEY = '"8e03978e-40d5-43e8-bc93-6894a57f9324"';

/** POST /data with `name` and the Idempotency-Key field value `key` as sent; null: without the field. */
async function add(name: string, key: string | null = KEY) {
  const response = await app.request("/data", postJson({ name }, key === null ? {} : { "idempotency-key": key }));
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

const names = async () => ((await (await app.request("/data")).json()) as { name: string }[]).map((row) => row.name);
const keyCount = async () => (await database.db.query<{ n: number }>(`select count(*)::int as n from idempotency_keys`))[0]!.n;

describe("POST /data with an Idempotency-Key", () => {
  it("answers a retry with the first answer, byte for byte, and inserts once", async () => {
    const first = await add("Ada");
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({ message: "Data inserted successfully", id: 1, name: "Ada" });
    expect(await add("Ada")).toEqual(first);
    expect(await names()).toEqual(["Ada"]);
  });

  it("gives 50 concurrent requests with one key 50 identical answers and one row", async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => add("race")));
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 200 });
    expect(JSON.parse(answers[0]!.text)).toEqual({ message: "Data inserted successfully", id: 1, name: "race" });
    expect(await names()).toEqual(["race"]);
  });

  it("refuses the key with another body: 422 JSON, and nothing written", async () => {
    await add("Ada");
    const refused = await add("Grace");
    expect(refused.status).toBe(422);
    expect(refused.type).toMatch(/^application\/json/);
    expect(JSON.parse(refused.text)).toEqual({ message: "Idempotency-Key was already used with a different body" });
    expect(await names()).toEqual(["Ada"]);
  });

  it("takes the same body however its JSON is spelled", async () => {
    const first = await app.request("/data", postJson('{"name":"Ada","note":{"a":1,"b":2}}', { "idempotency-key": KEY }));
    const again = await app.request("/data", postJson('{ "note": { "b": 2, "a": 1 }, "name": "Ada" }', { "idempotency-key": KEY }));
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(await first.text());
  });

  it("accepts any RFC 8941 String up to 255 characters, escapes included", async () => {
    expect((await add("a", '"a\\"quoted\\" key \\\\ with spaces"')).status).toBe(200);
    expect((await add("b", `  "${"k".repeat(255)}"  `)).status).toBe(200);
    expect((await add("a", '"a\\"quoted\\" key \\\\ with spaces"')).status).toBe(200);
    expect(await names()).toEqual(["a", "b"]);
  });

  it("takes a bare key, as many clients send it, as the same key as its quoted form", async () => {
    const bare = await add("c", "8e03978e-40d5-43e8-bc93-6894a57f9324");
    expect(bare.status).toBe(200);
    expect(await add("c", '"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toEqual(bare);
    expect(await names()).toEqual(["c"]);
    expect(await keyCount()).toBe(1);
  });

  it.each([
    ["a bare key with a space", "8e03978e 40d5", /must be a quoted string/],
    ["a bare key outside visible ASCII", "clé", /must be a quoted string/],
    ["a string with an unknown escape", '"a\\b"', /must be a quoted string/],
    ["a string with a character outside printable ASCII", '"clé"', /must be a quoted string/],
    ["an unterminated string", '"abc', /must be a quoted string/],
    ["two keys (two fields, joined by a comma)", '"a", "b"', /must be a quoted string/],
    ["an empty string", '""', /must not be empty/],
    ["a key of 256 characters", `"${"k".repeat(256)}"`, /must be at most 255 characters/],
  ])("refuses %s with 400 JSON, writing nothing", async (_, key, message) => {
    const refused = await add("Ada", key);
    expect(refused.status).toBe(400);
    const body = JSON.parse(refused.text) as { message: string; errors: { field: string; message: string }[] };
    expect(body.message).toMatch(message);
    expect(body.message).toMatch(/^Idempotency-Key /);
    expect(body.errors).toEqual([{ field: "Idempotency-Key", message: body.message }]);
    expect(await names()).toEqual([]);
    expect(await keyCount()).toBe(0);
  });

  it("keeps nothing for a refused write: a name taken without the key is 409 for every retry, until it is free", async () => {
    await add("Ada", null);
    const duplicate = await add("Ada");
    expect(duplicate.status).toBe(409);
    expect(JSON.parse(duplicate.text)).toEqual({ message: "Data already exists" });
    expect(await add("Ada")).toEqual(duplicate);
    expect(await keyCount()).toBe(0);
    await app.request("/data/1", { method: "DELETE" });
    expect((await add("Ada")).status).toBe(200);
  });

  it("keeps nothing for an invalid body either", async () => {
    expect((await add(" ")).status).toBe(400);
    expect(await keyCount()).toBe(0);
  });
});

describe("POST /data without an Idempotency-Key", () => {
  it("stays the Flask app's: a name that exists is 409 'Data already exists', even the keyed request's own", async () => {
    await add("Ada");
    const duplicate = await add("Ada", null);
    expect(duplicate.status).toBe(409);
    expect(JSON.parse(duplicate.text)).toEqual({ message: "Data already exists" });
    expect(await keyCount()).toBe(1);
  });
});

describe("a keyed write whose commit fails", () => {
  it("answers 503 and keeps nothing; the retry with the key inserts once and answers 200", async () => {
    const restore = await cutCommitsOfData(database);
    try {
      const cut = await add("Ada");
      expect(cut.status).toBe(503);
      expect(JSON.parse(cut.text)).toEqual({ message: "Database unavailable" });
      expect(await names()).toEqual([]);
      expect(await keyCount()).toBe(0);
    } finally {
      await restore();
    }
    const retry = await add("Ada");
    expect(retry.status).toBe(200);
    expect(JSON.parse(retry.text)).toMatchObject({ name: "Ada" });
    expect(await add("Ada")).toEqual(retry);
    expect(await names()).toEqual(["Ada"]);
  });
});

describe("the Lambda handler on API Gateway HTTP API events, writes signed in", () => {
  let call: (input: EventInput) => ReturnType<typeof invoke>;
  beforeEach(() => {
    const handler = handle(testApp(database.db, { writes: "signed-in" }).app);
    call = (input) => invoke(handler, input);
  });

  const keyedAdd = (subject: string, name: string, key = KEY) =>
    call({
      method: "POST",
      path: "/data",
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify({ name }),
      authorizer: jwtClaims(subject, "openid data/write"),
    });

  it("replays a caller's own answer to that caller", async () => {
    const first = await keyedAdd("alice", "Ada");
    const again = await keyedAdd("alice", "Ada");
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ message: "Data inserted successfully", id: 1, name: "Ada" });
    expect({ status: again.statusCode, body: again.body }).toEqual({ status: first.statusCode, body: first.body });
    expect(await names()).toEqual(["Ada"]);
  });

  it("never gives one caller another's answer: the same key from someone else is their own write", async () => {
    await keyedAdd("alice", "Ada");
    const bob = await keyedAdd("bob", "Ada");
    expect(bob.statusCode).toBe(409);
    expect(JSON.parse(bob.body)).toEqual({ message: "Data already exists" });
    const bobsOwn = await keyedAdd("bob", "Bob");
    expect(bobsOwn.statusCode).toBe(200);
    expect(JSON.parse(bobsOwn.body)).toMatchObject({ name: "Bob" });
  });

  it("answers 422 and 400 in JSON through the gateway too", async () => {
    await keyedAdd("alice", "Ada");
    const other = await keyedAdd("alice", "Grace");
    expect(other.statusCode).toBe(422);
    expect(other.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(other.body)).toEqual({ message: "Idempotency-Key was already used with a different body" });
    const malformed = await keyedAdd("alice", "Grace", '"a", "b"');
    expect(malformed.statusCode).toBe(400);
    expect(JSON.parse(malformed.body).errors).toEqual([{ field: "Idempotency-Key", message: expect.stringMatching(/quoted string/) }]);
  });
});
