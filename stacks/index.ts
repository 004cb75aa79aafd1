import type { App } from "sst/constructs";
import { Account } from "./Account";
import { ACCOUNT_STAGE, accountSettings, provideAccountSettings } from "./account/settings";
import { Alerts } from "./Alerts";
import { Api } from "./Api";
import { Auth } from "./Auth";
import { provideStageConfig, resolveStageConfig, stageWarnings } from "./config";
import { Dashboard } from "./Dashboard";
import { Database } from "./Database";
import { Network } from "./Network";
import { Operations } from "./Operations";
import { acceptKnownFindings } from "./nag";
import { Web } from "./Web";

/** What a stage's settings make `addStacks` say out loud, one line of text each (`stageWarnings`). */
export type Warn = (warning: string) => void;

/** A warning as a block nobody scrolls past in a deploy log. */
export function loudly(warning: string): string {
  const rule = "!".repeat(100);
  return `\n${rule}\n!!! ${warning}\n${rule}\n`;
}

/**
 * The whole app for `app.stage`, configured from `env`; sst.config.ts and the offline synth both build it here.
 * `warn` hears what the person deploying must not miss (sst deploy: the console).
 */
export function addStacks(app: App, env: Record<string, string | undefined>, warn: Warn = (warning) => console.warn(loudly(warning))): void {
  // The account stage is not an app stage: it holds only what an account needs once (CI's role, the audit trail).
  if (app.stage === ACCOUNT_STAGE) {
    provideAccountSettings(app, accountSettings(env));
    app.stack(Account);
    acceptKnownFindings(app);
    return;
  }
  const config = resolveStageConfig(app.stage, env);
  provideStageConfig(app, config);
  for (const warning of stageWarnings(app.stage, config)) warn(warning);
  app.setDefaultFunctionProps({
    runtime: "nodejs22.x",
    architecture: "arm_64",
    // Maps without the sources' text: stack traces need only the mappings. The API reads its map only when it
    // logs an error (observability/source-mapped.ts); --enable-source-maps would parse it at every cold start.
    nodejs: { format: "esm", minify: true, sourcemap: true, esbuild: { sourcesContent: false } },
    // X-Ray would need an endpoint in the VPC, and its PutTraceSegments cannot be scoped to a resource.
    tracing: "disabled",
  });
  if (config.monitoring) app.stack(Alerts);
  if (config.database) app.stack(Network).stack(Database);
  if (config.identity?.kind === "cognito") app.stack(Auth);
  app.stack(Api);
  if (config.monitoring) app.stack(Operations).stack(Dashboard);
  app.stack(Web);
  acceptKnownFindings(app);
}
