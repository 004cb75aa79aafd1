import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

describe("npm run synth of prod with DATA_API_PUBLIC_WRITES=true", () => {
  it("builds it, and says loudly that anyone may write", () => {
    const out = mkdtempSync(join(tmpdir(), "data-api-synth-out-"));
    try {
      const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("DATA_API_")));
      const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/synth.ts", "--stage", "prod", "--out", out], {
        cwd: ROOT,
        env: { ...env, DATA_API_PUBLIC_WRITES: "true" },
        encoding: "utf8",
        timeout: 240_000,
      });
      expect(run.status, run.stderr).toBe(0);
      const frame = "!".repeat(100);
      expect(run.stdout).toContain(
        `${frame}\n!!! WRITES ARE PUBLIC ON PROD: DATA_API_PUBLIC_WRITES=true lets anyone on the internet add and delete records`,
      );
      expect(run.stdout).toContain("cdk-nag AwsSolutions: 0 unsuppressed");
      expect(readdirSync(join(out, "prod"))).toContain("prod-data-api-Api.json");
      // Only the stage asked for.
      expect(existsSync(join(out, "staging"))).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
