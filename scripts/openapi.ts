/**
 * `npm run openapi`: writes the API's OpenAPI document (scripts/openapi/document.ts) to packages/functions/openapi.json,
 * which the function serves at GET /openapi.json, and the page's client types generated from it by
 * openapi-typescript to packages/web/src/api-schema.d.ts. Both are committed; a test fails when either is stale.
 */
import { writeFileSync } from "node:fs";
import { generatedFiles } from "./openapi/files";

for (const { path, text } of await generatedFiles()) {
  writeFileSync(path, text);
  console.log(`wrote ${path} (${text.length} bytes)`);
}
