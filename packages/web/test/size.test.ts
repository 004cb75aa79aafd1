import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./support/app-server";

const dist = join(repoRoot, "packages/web/dist");
const BUDGET_BYTES = 50 * 1024;

async function files(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe("the built page", () => {
  beforeAll(async () => {
    // The same build `npm start` runs first.
    await promisify(execFile)("npm", ["run", "build", "--workspace", "@data-api/web"], { cwd: repoRoot });
  });

  it(`weighs under ${BUDGET_BYTES / 1024} KB gzipped, HTML, scripts and styles together`, async () => {
    const sizes = await Promise.all(
      (await files(dist)).map(async (file) => ({ file: file.slice(dist.length + 1), gzipped: gzipSync(await readFile(file)).length })),
    );
    const total = sizes.reduce((sum, { gzipped }) => sum + gzipped, 0);
    console.log(
      `web page: ${(total / 1024).toFixed(1)} KB gzipped (${sizes.map(({ file, gzipped }) => `${file} ${(gzipped / 1024).toFixed(1)} KB`).join(", ")})`,
    );
    expect(sizes.map(({ file }) => file.split(".").pop()).sort()).toEqual(["css", "html", "js"]);
    expect(total).toBeLessThan(BUDGET_BYTES);
  });

  it("references only files under /assets/, the one folder the local server serves besides /", async () => {
    const html = await readFile(join(dist, "index.html"), "utf8");
    const references = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    const local = references.filter((reference) => !reference.startsWith("data:"));
    expect(local.length).toBeGreaterThanOrEqual(2);
    for (const reference of local) {
      expect(reference).toMatch(/^\/assets\/[\w.-]+\.(js|css)$/);
      await expect(readFile(join(dist, reference))).resolves.toBeDefined();
    }
  });
});
