import { Idempotency } from "@data-api/core/idempotency";
import { normalizeName } from "@data-api/core/name";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../../core/test/support/database";
import { testApp } from "./support/app";
import { openApi, resolved, validatorAt } from "./support/contract";

/**
 * Requests derived from the OpenAPI document, sent to the app (on the test database): the valid ones must succeed,
 * the invalid ones must be refused with a 4xx, never accepted nor answered 5xx; and testApp checks every answer
 * against the document.
 */

interface IntegerSchema {
  type: "integer";
  minimum?: number;
  maximum?: number;
}
interface Parameter {
  name: string;
  in: "query" | "path" | "header";
  required?: boolean;
  schema: IntegerSchema & { pattern?: string };
}
interface StringSchema {
  type: "string";
  minLength: number;
  maxLength: number;
  pattern: string;
}

const RUNS = { numRuns: 60 };

function operation(path: string, method: string) {
  const found = (openApi.paths[path] as Record<string, { parameters?: unknown[]; requestBody?: unknown }> | undefined)?.[method];
  if (!found) throw new Error(`The document has no ${method} ${path}`);
  return { ...found, parameters: (found.parameters ?? []).map((parameter) => resolved<Parameter>(parameter as Parameter)) };
}

const parameter = (path: string, method: string, name: string) => {
  const found = operation(path, method).parameters.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`${method} ${path} has no parameter ${name}`);
  return found;
};

/** An integer the schema takes, as a query or path writes it. */
const validInteger = ({ minimum, maximum }: IntegerSchema) => fc.integer({ min: minimum ?? 0, max: maximum ?? Number.MAX_SAFE_INTEGER }).map(String);

/** Text that is no integer the schema takes: out of its range, or not decimal digits at all. */
function invalidInteger({ minimum, maximum }: IntegerSchema) {
  const invalid: fc.Arbitrary<string>[] = [fc.string({ maxLength: 12 }).filter((text) => !/^\d+$/.test(text))];
  if (minimum !== undefined) invalid.push(fc.integer({ min: minimum - 1_000_000, max: minimum - 1 }).map(String));
  if (maximum !== undefined) invalid.push(fc.bigInt({ min: BigInt(maximum) + 1n, max: BigInt(maximum) * 10n ** 12n }).map(String));
  return fc.oneof(...invalid);
}

/** The query of a GET /data: each parameter given or not, valid; or one of them invalid. */
function queries(valid: boolean) {
  const { parameters } = operation("/data", "get");
  const query = parameters.filter((candidate) => candidate.in === "query");
  const each = Object.fromEntries(query.map((candidate) => [candidate.name, fc.option(validInteger(candidate.schema), { nil: undefined })]));
  const validQuery = fc.record(each);
  if (valid) return validQuery;
  return fc
    .tuple(validQuery, fc.constantFrom(...query), fc.nat())
    .chain(([base, broken]) => invalidInteger(broken.schema).map((text) => ({ ...base, [broken.name]: text })));
}

const search = (query: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();

/** The correlation id a client may send, from the parameter's pattern; or none. */
const correlation = () => {
  const { name, schema } = parameter("/data", "get", "x-correlation-id");
  return fc.option(fc.stringMatching(new RegExp(schema.pattern!)).map((value) => ({ [name]: value })), { nil: undefined });
};

const bodySchemaPath = () => {
  const { requestBody } = operation("/data", "post") as { requestBody: { content: Record<string, { schema: { $ref: string } }> } };
  const [mediaType, { schema }] = Object.entries(requestBody.content)[0]!;
  return { mediaType, path: schema.$ref.slice(2).split("/") };
};

describe("requests derived from the OpenAPI document", () => {
  let database: TestDatabase;
  let app: ReturnType<typeof testApp>["app"];
  const taken = new Set<string>();

  beforeAll(async () => {
    database = await openTestDatabase();
    await database.reset();
    ({ app } = testApp(database.db));
  });
  afterAll(() => database.close());

  const { mediaType, path: bodyPath } = bodySchemaPath();
  const bodySchema = resolved<{ properties: { name: StringSchema }; required: string[] }>({ $ref: `#/${bodyPath.join("/")}` });
  const nameSchema = bodySchema.properties.name;
  const validBody = validatorAt(bodyPath);
  const namePattern = new RegExp(nameSchema.pattern, "u");

  /** A name the document takes, and no earlier request of this run stored (so never a 409). */
  const freshName = fc
    .oneof(
      fc.string({ unit: "binary", minLength: nameSchema.minLength, maxLength: nameSchema.maxLength }),
      fc.string({ unit: "grapheme", minLength: nameSchema.minLength, maxLength: nameSchema.maxLength }),
      // At the bound, which short strings, fast-check's favourites, never reach; printable, one code point each,
      // for a random code point among a hundred is likely a control character (fast-check favours small ones).
      fc.string({ unit: "grapheme-ascii", minLength: nameSchema.maxLength, maxLength: nameSchema.maxLength }),
    )
    .filter((name) => validBody({ name }) && !taken.has(normalizeName(name)));

  /** Other members, which the document lets a body have. */
  const extras = fc.dictionary(
    fc.string({ maxLength: 10 }).filter((key) => !(key in bodySchema.properties) && key !== "__proto__"),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 3 },
  );

  const post = (body: string, headers: Record<string, string> = {}) =>
    app.request("/data", { method: "POST", headers: { "content-type": mediaType, ...headers }, body });

  async function create(name: string, headers: Record<string, string> = {}, more: object = {}) {
    taken.add(normalizeName(name));
    return post(JSON.stringify({ ...more, name }), headers);
  }

  it("GET /data with a valid query answers 200", async () => {
    await fc.assert(
      fc.asyncProperty(queries(true), correlation(), async (query, headers) => {
        const response = await app.request(`/data?${search(query)}`, { headers });
        expect(response.status).toBe(200);
      }),
      RUNS,
    );
  });

  it("GET /data with an invalid query answers 4xx", async () => {
    await fc.assert(
      fc.asyncProperty(queries(false), async (query) => {
        const response = await app.request(`/data?${search(query)}`);
        expect(response.status, search(query)).toBeGreaterThanOrEqual(400);
        expect(response.status, search(query)).toBeLessThan(500);
      }),
      RUNS,
    );
  });

  it("POST /data with a valid body answers 200, the name stored as the document says", async () => {
    await fc.assert(
      fc.asyncProperty(freshName, extras, correlation(), async (name, more, headers) => {
        const response = await create(name, headers, more);
        expect(response.status, JSON.stringify(name)).toBe(200);
        expect(namePattern.test((await response.json()).name)).toBe(true);
      }),
      RUNS,
    );
  });

  /** Idempotency-Key fields the document's pattern takes, each a key no earlier request of this run used. */
  const keyParameter = parameter("/data", "post", "Idempotency-Key");
  const keyPattern = new RegExp(keyParameter.schema.pattern!);
  const usedKeys = new Set<string>();
  const keyOf = (field: string) => (field.startsWith('"') ? field.slice(1, -1).replace(/\\(["\\])/g, "$1") : field);
  const freshKey = fc
    .stringMatching(keyPattern)
    .filter((field) => keyOf(field).length >= 1 && keyOf(field).length <= Idempotency.KEY_MAX_LENGTH && !usedKeys.has(keyOf(field)));
  /** What a client can put in a header (no line breaks or NUL) that the pattern does not take. */
  const malformedKey = fc
    .string({ unit: fc.oneof(fc.constantFrom('"', "\\", ",", " ", "é"), fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 1 })) })
    .filter((field) => !/[\r\n\0]/.test(field) && !keyPattern.test(field.trim()));

  it("POST /data with a valid body and Idempotency-Key answers 200, and the same request again the same answer", async () => {
    await fc.assert(
      fc.asyncProperty(freshName, freshKey, async (name, field) => {
        usedKeys.add(keyOf(field));
        const first = await create(name, { [keyParameter.name]: field });
        expect(first.status, field).toBe(200);
        const again = await create(name, { [keyParameter.name]: field });
        expect(again.status, field).toBe(200);
        expect(await again.text()).toBe(await first.text());
      }),
      RUNS,
    );
  });

  it("POST /data with an Idempotency-Key the document refuses answers 4xx and stores nothing", async () => {
    await fc.assert(
      fc.asyncProperty(freshName, malformedKey, async (name, field) => {
        const before = (await (await app.request(`/data?limit=1000`)).json()).length;
        const response = await post(JSON.stringify({ name }), { [keyParameter.name]: field });
        expect(response.status, JSON.stringify(field)).toBeGreaterThanOrEqual(400);
        expect(response.status, JSON.stringify(field)).toBeLessThan(500);
        expect((await (await app.request(`/data?limit=1000`)).json()).length).toBe(before);
      }),
      RUNS,
    );
  });

  /** Bodies the document refuses, each breaking one of its rules in a way no reading of the name can undo. */
  const invalidBodies = fc.oneof(
    // Not JSON, or JSON but not an object.
    fc.string().filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    }),
    fc.jsonValue().filter((value) => typeof value !== "object" || value === null || Array.isArray(value)).map((value) => JSON.stringify(value)),
    // A required member missing, or of another type.
    extras.map((more) => JSON.stringify(more)),
    fc.jsonValue().filter((value) => typeof value !== "string").map((name) => JSON.stringify({ name })),
    // Shorter than minLength, or longer than maxLength with nothing a trim removes.
    fc.constant(JSON.stringify({ name: "".padEnd(nameSchema.minLength - 1, "x") })),
    fc.string({ unit: fc.constantFrom(..."abcxyz"), minLength: nameSchema.maxLength + 1, maxLength: nameSchema.maxLength + 20 }).map((name) => JSON.stringify({ name })),
    // A character the pattern forbids, inside a name the document takes (so that no trim can remove it).
    fc
      .tuple(freshName, fc.oneof(fc.integer({ min: 0, max: 0x9f }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.constant(0xfffd)), fc.nat())
      .map(([name, code, at]) => {
        const characters = [...name.trim()];
        const inside = 1 + (at % Math.max(1, characters.length - 1));
        return characters.length < 2 ? undefined : [...characters.slice(0, inside), String.fromCharCode(code), ...characters.slice(inside)].join("");
      })
      .filter((name): name is string => name !== undefined && !namePattern.test(name) && [...name].length <= nameSchema.maxLength)
      .map((name) => JSON.stringify({ name })),
  );

  it("POST /data with a body the document refuses answers 4xx and stores nothing", async () => {
    await fc.assert(
      fc.asyncProperty(invalidBodies, async (body) => {
        const before = (await (await app.request(`/data?limit=1000`)).json()).length;
        const response = await post(body);
        expect(response.status, body).toBeGreaterThanOrEqual(400);
        expect(response.status, body).toBeLessThan(500);
        expect((await (await app.request(`/data?limit=1000`)).json()).length).toBe(before);
      }),
      RUNS,
    );
  });

  it(`POST /data with a media type other than ${mediaType} answers 4xx`, async () => {
    const otherMediaType = fc.stringMatching(/^[a-z]{1,12}\/[a-z.+-]{1,20}$/).filter((type) => type !== mediaType && !/^application\/([\w.+-]+\+)?json\b/.test(type));
    await fc.assert(
      fc.asyncProperty(freshName, otherMediaType, async (name, type) => {
        const response = await post(JSON.stringify({ name }), { "content-type": type });
        expect(response.status, type).toBeGreaterThanOrEqual(400);
        expect(response.status, type).toBeLessThan(500);
      }),
      RUNS,
    );
  });

  it("DELETE /data/{id} of a record answers 200; with an invalid id, 4xx", async () => {
    const id = parameter("/data/{id}", "delete", "id");
    await fc.assert(
      fc.asyncProperty(freshName, async (name) => {
        const created = await (await create(name)).json();
        expect((await app.request(`/data/${created.id}`, { method: "DELETE" })).status).toBe(200);
      }),
      RUNS,
    );
    await fc.assert(
      fc.asyncProperty(invalidInteger(id.schema), async (text) => {
        const response = await app.request(`/data/${encodeURIComponent(text)}`, { method: "DELETE" });
        expect(response.status, text).toBeGreaterThanOrEqual(400);
        expect(response.status, text).toBeLessThan(500);
      }),
      RUNS,
    );
  });

  it("GET /health and GET /openapi.json answer 200", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("/health", "/openapi.json"), correlation(), async (path, headers) => {
        expect((await app.request(path, { headers })).status).toBe(200);
      }),
      { numRuns: 10 },
    );
  });
});
