import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleLikeSst } from "../../../bench/sst-bundle";

const src = fileURLToPath(new URL("../src/", import.meta.url));

/** The sources a bundle was built from, as its source map lists them. */
async function sourcesOf(entry: string, outdir: string) {
  const bundle = await bundleLikeSst(entry, outdir);
  const map = JSON.parse(await readFile(`${bundle.file}.map`, "utf8")) as { sources: string[] };
  return { ...bundle, sources: map.sources, text: await readFile(bundle.file, "utf8") };
}

const jose = (sources: string[]) => sources.filter((source) => /node_modules\/jose\//.test(source));
/** Every drizzle class carries its kind under this symbol; drizzle's own source maps hide its files' paths. */
const DRIZZLE = "drizzle:entityKind";
/** The OpenAPI generator: its converter and the document's own code, build-time only. */
const generator = (sources: string[]) =>
  sources.filter((source) => /node_modules\/@valibot\/to-json-schema\/|node_modules\/openapi-typescript\/|scripts\/openapi\//.test(source));
const DOCUMENT_FILE = fileURLToPath(new URL("../openapi.json", import.meta.url));

describe("the Lambda bundle (packages/functions/src/api.ts, bundled as SST bundles it)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "data-api-bundle-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("carries no token code: API Gateway's authorizer verified the token, the function reads its claims", async () => {
    const bundle = await sourcesOf(join(src, "api.ts"), join(dir, "api"));
    expect(jose(bundle.sources)).toEqual([]);
    expect(bundle.sources.some((source) => source.endsWith("host/token-verifier.ts"))).toBe(false);
    expect(bundle.text).not.toMatch(/createRemoteJWKSet|jwtVerify|ERR_JWKS/);
    // It does carry the access rule, which reads the claims.
    expect(bundle.sources.some((source) => source.endsWith("access/authorizer.ts"))).toBe(true);
  });

  it("carries nothing of drizzle's: the statements it runs were compiled from the queries at build time", async () => {
    const bundle = await sourcesOf(join(src, "api.ts"), join(dir, "api"));
    expect(bundle.text).not.toContain(DRIZZLE);
    expect(bundle.sources.filter((source) => /\.queries\.ts$/.test(source))).toEqual([]);
    expect(bundle.sources.some((source) => source.endsWith("data/data.statements.ts"))).toBe(true);
  });

  it("would show drizzle if the handler reached the migrator (the check can fail)", async () => {
    const entry = join(dir, "reaches-drizzle.ts");
    await writeFile(entry, `export { openPostgres } from ${JSON.stringify(join(src, "../../core/src/db/postgres.ts"))};\n`);
    const bundle = await sourcesOf(entry, join(dir, "drizzle"));
    expect(bundle.text).toContain(DRIZZLE);
  });

  it("carries neither the OpenAPI generator nor the document, which it reads from the file shipped beside it", async () => {
    const bundle = await sourcesOf(join(src, "api.ts"), join(dir, "api"));
    expect(generator(bundle.sources)).toEqual([]);
    expect(bundle.sources.some((source) => source.endsWith("openapi.json"))).toBe(false);
    // Not inlined either: no operation of the document appears in the code.
    expect(bundle.text).not.toContain("listRecords");
    expect(bundle.sources.some((source) => source.endsWith("routes/openapi.ts"))).toBe(true);
  });

  it("would show the generator, and the document, if the handler imported them (the check can fail)", async () => {
    const entry = join(dir, "reaches-generator.ts");
    await writeFile(
      entry,
      [
        `export { openApiDocument } from ${JSON.stringify(join(src, "../../../scripts/openapi/document.ts"))};`,
        `export { default as document } from ${JSON.stringify(DOCUMENT_FILE)};`,
      ].join("\n"),
    );
    const bundle = await sourcesOf(entry, join(dir, "generator"));
    expect(generator(bundle.sources).length).toBeGreaterThan(1);
    expect(bundle.text).toContain("listRecords");
  });

  it("would show jose if something the handler imports reached the verifier (the check can fail)", async () => {
    const entry = join(dir, "reaches-verifier.ts");
    await writeFile(entry, `export { tokenVerifier } from ${JSON.stringify(join(src, "host/token-verifier.ts"))};\n`);
    const bundle = await sourcesOf(entry, join(dir, "control"));
    expect(jose(bundle.sources).length).toBeGreaterThan(0);
    expect(bundle.text).toMatch(/ERR_JWKS/);
  });
});
