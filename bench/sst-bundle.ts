import { stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, parse } from "node:path";

const require = createRequire(import.meta.url);
// The esbuild that SST v2 builds functions with (its own 0.18), not the newer one at the root.
const esbuild: typeof import("esbuild") = createRequire(require.resolve("sst/package.json"))("esbuild");

export interface Bundle {
  file: string;
  bytes: number;
}

/**
 * Bundles a handler as SST v2 does for the stacks' functions (stacks/index.ts: `nodejs: { format: "esm",
 * minify: true, sourcemap: true, esbuild: { sourcesContent: false } }`; options copied from
 * sst/runtime/handlers/node.js, deploy mode), source map beside it.
 * SST marks only `sharp` and `pg-native` external: the AWS SDK is bundled like any other package.
 */
export async function bundleLikeSst(entry: string, outdir: string): Promise<Bundle> {
  const file = join(outdir, `${parse(entry).name}.mjs`);
  await esbuild.build({
    entryPoints: [entry],
    outfile: file,
    platform: "node",
    format: "esm",
    target: "esnext",
    mainFields: ["module", "main"],
    external: ["sharp", "pg-native"],
    bundle: true,
    minify: true,
    keepNames: true,
    sourcemap: true,
    sourcesContent: false,
    logLevel: "error",
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from 'module';`,
        `const require = topLevelCreateRequire(import.meta.url);`,
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
      ].join("\n"),
    },
  });
  return { file, bytes: (await stat(file)).size };
}
