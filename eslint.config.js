import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", ".sst/**", "coverage/**", "test-artifacts/**", "drizzle/meta/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-control-regex": "off",
    },
  },
  {
    // A header set with Hono's c.header is dropped from an answer made by http/answer.ts, and an answer of c.json
    // misses the request's headers until completeHeaders copies the whole response: the API's routes use both helpers.
    files: ["packages/functions/src/**/*.ts"],
    ignores: ["packages/functions/src/http/answer.ts", "packages/functions/src/server.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='c'][callee.property.name=/^(header|json|body|text)$/]",
          message: "Answer with json() or respond() and add headers with setHeader() (packages/functions/src/http/answer.ts).",
        },
      ],
    },
  },
);
