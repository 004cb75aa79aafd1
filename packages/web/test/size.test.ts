import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployTimeValue, type PageBuildEnv, type PageVariable } from "../src/config";
import { repoRoot } from "./support/app-server";

const dist = join(repoRoot, "packages/web/dist");
const BUDGET_BYTES = 50 * 1024;
const VARIABLES: PageVariable[] = ["VITE_API_URL", "VITE_AUTH_ISSUER", "VITE_AUTH_CLIENT_ID", "VITE_AUTH_SCOPE"];
/** What only the sign-in code contains (oauth4webapi's and the page's own words). */
const SIGN_IN_CODE = ["authorization_endpoint", "code_challenge", "Signed in as"];

async function files(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}


/** The local files an HTML page of the build loads (its scripts, styles and preloads), by their path in the build. */
async function loadedBy(folder: string, html: string): Promise<string[]> {
  const text = await readFile(join(folder, html), "utf8");
  const references = [...text.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
  return references.filter((reference) => !reference.startsWith("data:")).map((reference) => reference.slice(1));
}

/** The scripts of the build, all of them or those one page loads. */
async function scriptsOf(folder: string, html?: string): Promise<string> {
  const all = html ? (await loadedBy(folder, html)).map((file) => join(folder, file)) : await files(folder);
  return (await Promise.all(all.filter((file) => file.endsWith(".js")).map((file) => readFile(file, "utf8")))).join("\n");
}

/** A page of the build, gzipped: its HTML and everything it loads. */
async function weigh(folder: string, html = "index.html") {
  const sizes = await Promise.all(
    [html, ...(await loadedBy(folder, html))].map(async (file) => ({ file, gzipped: gzipSync(await readFile(join(folder, file))).length })),
  );
  const total = sizes.reduce((sum, { gzipped }) => sum + gzipped, 0);
  const report = `${(total / 1024).toFixed(1)} KB gzipped (${sizes.map(({ file, gzipped }) => `${file} ${(gzipped / 1024).toFixed(1)} KB`).join(", ")})`;
  return { sizes, total, report };
}

const build = (env: PageBuildEnv = {}, outDir?: string) =>
  promisify(execFile)("npm", ["run", "build", "--workspace", "@data-api/web", ...(outDir ? ["--", "--outDir", outDir] : [])], {
    cwd: repoRoot,
    // Only what this build is given: none of the VITE_* settings of the shell that runs the tests.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("VITE_"))), ...env },
  });

const count = (text: string, part: string) => text.split(part).length - 1;

// Every build makes the API reference's 3.5 MB Scalar bundle too: builds take their time on two cores.
describe("the built page", { timeout: 120_000 }, () => {
  const temporary: string[] = [];
  const folder = async () => {
    const made = await mkdtemp(join(tmpdir(), "data-api-web-build-"));
    temporary.push(made);
    return made;
  };

  beforeAll(async () => {
    // The same build `npm start` runs first.
    await build();
  });

  afterAll(async () => {
    await Promise.all(temporary.map((made) => rm(made, { recursive: true, force: true })));
  });

  it(`weighs under ${BUDGET_BYTES / 1024} KB gzipped, HTML, scripts and styles together`, async () => {
    const { sizes, total, report } = await weigh(dist);
    console.log(`web page: ${report}`);
    expect(sizes.map(({ file }) => file.split(".").pop()).sort()).toEqual(["css", "html", "js"]);
    expect(total).toBeLessThan(BUDGET_BYTES);
  });

  it("leaves the sign-in code out where writes are public (no issuer)", async () => {
    const scripts = await scriptsOf(dist, "index.html");
    for (const part of SIGN_IN_CODE) expect(scripts, part).not.toContain(part);
  });

  it(`weighs under ${BUDGET_BYTES / 1024} KB gzipped where it signs in, oauth4webapi included`, async () => {
    const signedIn = await folder();
    await build({ VITE_AUTH_ISSUER: "https://id.example.com", VITE_AUTH_CLIENT_ID: "page-client" }, signedIn);
    const { sizes, total, report } = await weigh(signedIn);
    console.log(`web page with sign-in: ${report}`);
    expect(sizes.map(({ file }) => file.split(".").pop()).sort()).toEqual(["css", "html", "js"]);
    expect(total).toBeLessThan(BUDGET_BYTES);
    const scripts = await scriptsOf(signedIn, "index.html");
    for (const part of SIGN_IN_CODE) expect(scripts, part).toContain(part);
  });

  it("builds with SST's deploy-time placeholders, each standing only where its value goes", async () => {
    const real: Record<PageVariable, string> = {
      VITE_API_URL: "https://api.example.com",
      VITE_AUTH_ISSUER: "https://id.example.com",
      VITE_AUTH_CLIENT_ID: "page-client-id-1234",
      VITE_AUTH_SCOPE: "openid email data/write",
    };
    const [withPlaceholders, withValues] = await Promise.all([folder(), folder()]);
    await build(Object.fromEntries(VARIABLES.map((name) => [name, deployTimeValue(name)])), withPlaceholders);
    await build(real, withValues);
    const [placeholderScripts, valueScripts] = await Promise.all([scriptsOf(withPlaceholders), scriptsOf(withValues)]);
    for (const name of VARIABLES) {
      // SST's uploader replaces every occurrence: any beyond the places a value goes (a comparison, a check
      // that names the placeholder) would become the value too.
      expect(count(placeholderScripts, deployTimeValue(name)), name).toBeGreaterThan(0);
      expect(count(placeholderScripts, deployTimeValue(name)), name).toBe(count(valueScripts, real[name]));
    }
    // Replaced as the uploader does, nothing of a placeholder is left, and the page reads the values.
    const uploaded = VARIABLES.reduce((text, name) => text.replaceAll(deployTimeValue(name), real[name]), placeholderScripts);
    expect(uploaded.includes("{{ "), "a placeholder left after the upload").toBe(false);
    expect(uploaded.length).toBe(valueScripts.length);
  });

  it("references only files under /assets/, the one folder the local server serves besides its two pages", async () => {
    for (const html of ["index.html", "reference.html"]) {
      const local = await loadedBy(dist, html);
      expect(local.length, html).toBeGreaterThanOrEqual(1);
      for (const reference of local) {
        expect(reference).toMatch(/^assets\/[\w.-]+\.(js|css)$/);
        await expect(readFile(join(dist, reference))).resolves.toBeDefined();
      }
    }
  });

  it("loads the API reference (Scalar) only on its own page, which the main page links", async () => {
    const [main, reference] = await Promise.all([loadedBy(dist, "index.html"), loadedBy(dist, "reference.html")]);
    expect(main.filter((file) => reference.includes(file))).toEqual([]);
    expect(await scriptsOf(dist, "reference.html")).toContain("createApiReference");
    expect(await scriptsOf(dist, "index.html")).not.toContain("createApiReference");
    expect(await readFile(join(dist, "index.html"), "utf8")).toContain('href="/reference.html"');
    const { report } = await weigh(dist, "reference.html");
    console.log(`API reference page: ${report}`);
  });
});
