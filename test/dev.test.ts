import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { devCommands } from "../scripts/dev";
import { root } from "./support/workflows";

const URL = "postgres://me:s3cret@127.0.0.1:5432/mine";

describe("npm run dev", () => {
  it("migrates your database, keeps its URL as the stage's SST secret, then runs sst dev", () => {
    expect(devCommands("local", { DATABASE_URL: URL })).toEqual([
      { command: "npm", args: ["run", "db:migrate"] },
      { command: "npx", args: ["sst", "secrets", "set", "DATABASE_URL", URL, "--stage", "local"] },
      { command: "npx", args: ["sst", "dev", "--stage", "local"] },
    ]);
    expect(devCommands("alice", { DATABASE_URL: URL }).at(-1)).toEqual({ command: "npx", args: ["sst", "dev", "--stage", "alice"] });
  });

  it.each(["staging", "prod"])("never takes over %s, whose functions sst dev would replace with stubs", (stage) => {
    expect(() => devCommands(stage, { DATABASE_URL: URL })).toThrow(`never run it on ${stage}`);
  });

  it("refuses to start without DATABASE_URL, instead of deploying a function that cannot start", () => {
    const env = { PATH: process.env.PATH!, HOME: process.env.HOME! };
    const run = spawnSync("npx", ["tsx", "scripts/dev.ts"], { cwd: root, env: { ...env, DATABASE_URL: " " }, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("npm run dev: it runs the API on this machine");
    expect(run.stderr).toContain("set DATABASE_URL=postgres://");
  });
});
