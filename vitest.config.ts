import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // SST's synth calls STS unless NODE_ENV is "test"; vitest keeps an inherited NODE_ENV, so force it.
    // SST still loads the AWS SDK v2, which otherwise prints an end-of-support notice into every run.
    env: { NODE_ENV: "test", SST_TELEMETRY_DISABLED: "1", AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1" },
    // Test files share one database (and the infrastructure tests share .sst/): run files one at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      // Domain, routes and handlers: against PGlite, or the PostgreSQL given by DATABASE_URL.
      { extends: true, test: { name: "app", include: ["packages/core/test/**/*.test.ts", "packages/functions/test/**/*.test.ts"] } },
      // Synthesized CloudFormation, workflows and other repository-level checks. Files share one module registry so
      // that each stage is synthesized once per run (stacks/synth.ts synthesizeOnce), not once per file.
      { extends: true, test: { name: "infra", include: ["stacks/**/*.test.ts", "test/**/*.test.ts"], isolate: false } },
      // The web page: its logic, and the real page in headless Chromium.
      { extends: true, test: { name: "web", include: ["packages/web/test/**/*.test.ts"] } },
    ],
    coverage: {
      provider: "v8",
      include: ["packages/*/src/**/*.ts", "stacks/**/*.ts"],
      // Process entry points are exercised by tests that spawn them, the canary's through its bundle, and the
      // page's DOM code runs in Chromium: v8 coverage of the test process can see none of them.
      exclude: [
        "**/*.test.ts",
        "packages/functions/src/server.ts",
        "packages/functions/src/probe/canary.ts",
        "packages/functions/src/migrate-cli.ts",
        "packages/web/src/main.ts",
        "packages/web/src/reference.ts",
        "packages/web/src/ui/**",
      ],
      reporter: ["text-summary", "json-summary", "html"],
      thresholds: { lines: 80, branches: 80 },
    },
  },
});
