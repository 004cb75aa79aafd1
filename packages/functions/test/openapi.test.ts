import { readFileSync } from "node:fs";
import { validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../../../scripts/openapi/document";
import { generatedFiles } from "../../../scripts/openapi/files";
import { openTestDatabase, type TestDatabase } from "../../core/test/support/database";
import { testApp } from "./support/app";

const committed = (path: string) => readFileSync(path, "utf8");

describe("the OpenAPI document", () => {
  it("is what `npm run openapi` generates, and so are the page's client types: run it after changing the API", async () => {
    for (const { path, text } of await generatedFiles()) expect(committed(path), `${path} is stale: npm run openapi`).toBe(text);
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const document = openApiDocument();
    expect(document.openapi).toMatch(/^3\.1\./);
    const result = await validate(structuredClone(document));
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it("would be refused with a dangling reference (the validator can fail)", async () => {
    const document = structuredClone(openApiDocument()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    document.paths["/data"].get.responses["200"].content["application/json"].schema.items = { $ref: "#/components/schemas/Nothing" };
    expect((await validate(document)).valid).toBe(false);
  });
});

describe("the app and its document", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  it("documents every route the app has, and no other", () => {
    const { app } = testApp(database.db);
    const routes = app.routes.filter(({ method }) => method !== "ALL").map(({ method, path }) => `${method} ${path.replace(/:(\w+)/g, "{$1}")}`);
    const operations = Object.entries(openApiDocument().paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect([...new Set(routes)].sort()).toEqual(operations.sort());
  });

  it("serves the committed document at GET /openapi.json, the same bytes", async () => {
    const { app } = testApp(database.db);
    const response = await app.request("/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.text()).toBe(committed(new URL("../openapi.json", import.meta.url).pathname));
  });
});
