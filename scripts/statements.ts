/**
 * `npm run db:statements`: compiles the statements each `packages/core/src/**\/*.queries.ts` writes with drizzle into
 * the `*.statements.ts` beside it, which is what the code runs. Both are committed; a test fails when one is stale.
 */
import { writeFileSync } from "node:fs";
import { generatedFiles } from "./statements/files";

for (const { path, text } of await generatedFiles()) {
  writeFileSync(path, text);
  console.log(`wrote ${path} (${text.length} bytes)`);
}
