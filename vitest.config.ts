import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "stacks/**/*.test.ts", "test/**/*.test.ts"],
    // SST's synth calls STS unless NODE_ENV is "test"; vitest keeps an inherited NODE_ENV, so force it.
    env: { NODE_ENV: "test", SST_TELEMETRY_DISABLED: "1" },
    // Test files share one database (and the infrastructure tests share .sst/): run files one at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    coverage: {
      provider: "v8",
      include: ["packages/*/src/**/*.ts", "stacks/**/*.ts"],
      // Process entry points are exercised by tests that spawn them, which v8 coverage cannot see.
      exclude: ["**/*.test.ts", "packages/functions/src/server.ts", "packages/functions/src/migrate-cli.ts"],
      reporter: ["text-summary", "json-summary", "html"],
      thresholds: { lines: 80, branches: 80 },
    },
  },
});
