import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Stack } from "aws-cdk-lib";
import { AssetManifestArtifact } from "aws-cdk-lib/cx-api";
import { App, Function, StaticSite } from "sst/constructs";
import { initProject, useProject } from "sst/project.js";
import { addStacks } from "./index";
import { checkWithNag, type NagFinding } from "./nag";

export const STAGES = ["local", "staging", "prod"] as const;

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const ACCOUNT = "123456789012";
const DOMAIN = "example.com";
export const HOSTED_ZONE_ID = "Z0123456789EXAMPLE";
/** The configuration every offline synthesis uses (README, "Deploying"): the documentation domain and alarm address. */
export const SYNTH_ENV: Record<string, string> = {
  DATA_API_DOMAIN: DOMAIN,
  DATA_API_ALARM_EMAIL: `alarms@${DOMAIN}`,
};
/** The account stage trusts one repository: GitHub Actions names it; elsewhere a documentation example stands in. */
export const ACCOUNT_SYNTH_ENV: Record<string, string> = { ...SYNTH_ENV, GITHUB_REPOSITORY: process.env.GITHUB_REPOSITORY || "acme/data-api" };

export interface SynthesizedStack {
  /** The SST stack id, e.g. "Database". */
  id: string;
  /** The CloudFormation stack name, e.g. "prod-data-api-Database". */
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a CloudFormation template is any JSON
  template: Record<string, any>;
  /** What the cloud assembly tells `sst deploy` about the stack (CDK's placeholders like ${AWS::AccountId} left in). */
  deployment: {
    /** s3://bucket/key of the template, which SST turns into CreateStack's TemplateURL. */
    templateUrl: string;
    /** The role CloudFormation works as: CreateStack's RoleARN. */
    executionRoleArn: string;
    lookupRoleArn?: string;
    /** The roles cdk-assets assumes to upload the stack's assets (its template among them). */
    publishingRoleArns: string[];
  };
}

export interface SynthesizedStage {
  stage: string;
  stacks: SynthesizedStack[];
  /** Where esbuild wrote each SST function's bundle, by "<stack id>/<function id>", e.g. "Api/ApiFunction". */
  bundles: Record<string, string>;
  /** The folder of each StaticSite's zipped build (part0.zip, …), as the deploy uploads it, by "<stack id>/<site id>". */
  sites: Record<string, string>;
  /** cdk-nag AwsSolutions findings that no suppression covers. */
  findings: NagFinding[];
  /** Findings covered by a suppression, with its reason. */
  suppressed: NagFinding[];
  /** What the stage's settings warn the person deploying about (stacks/config.ts, stageWarnings). */
  warnings: string[];
}

/**
 * What `sst deploy` would look up in the account (availability zones, the hosted zone), answered the way a
 * cdk.context.json would, so that synthesis needs no credentials and no network.
 */
function offlineContext(region: string): Record<string, unknown> {
  return {
    [`availability-zones:account=${ACCOUNT}:region=${region}`]: ["a", "b", "c"].map((zone) => `${region}${zone}`),
    [`hosted-zone:account=${ACCOUNT}:domainName=${DOMAIN}:region=${region}`]: {
      Id: `/hostedzone/${HOSTED_ZONE_ID}`,
      Name: `${DOMAIN}.`,
    },
  };
}

/**
 * Synthesizes every stack of `stage` the way `sst deploy` does (functions bundled by esbuild), with the cdk-nag
 * AwsSolutions checks, offline. Throws when synthesis fails or needs a lookup the offline context cannot answer.
 */
export async function synthesizeStage(stage: string, env: Record<string, string> = SYNTH_ENV): Promise<SynthesizedStage> {
  // Like `sst deploy`, which runs from the project root: handlers, copyFiles and the site path are relative to it.
  process.chdir(ROOT);
  await initProject({ stage, root: ROOT });
  const { config } = useProject();
  const outdir = mkdtempSync(join(tmpdir(), "data-api-synth-"));
  try {
    const app = new App(
      { mode: "deploy", stage, name: config.name, region: config.region, account: ACCOUNT },
      { outdir, context: offlineContext(config.region!) },
    );
    const nag = checkWithNag(app);
    const warnings: string[] = [];
    addStacks(app, env, (warning) => warnings.push(warning));
    await app.finish();
    const assembly = app.synth();
    const missing = assembly.manifest.missing ?? [];
    if (missing.length > 0) {
      throw new Error(`Stage "${stage}" needs lookups the offline context lacks: ${missing.map((m) => m.key).join(", ")}`);
    }
    const stackId = (name: string) => name.slice(`${stage}-${config.name}-`.length);
    const nodes = app.node.findAll();
    const functions = nodes.filter((node) => node instanceof Function);
    // StaticSite's own naming of the folder it zips the build into (sst/constructs/StaticSite.js, createS3Assets).
    const sites = nodes.filter((node) => node instanceof StaticSite);
    return {
      stage,
      stacks: assembly.stacks.map((artifact) => ({
        id: stackId(artifact.stackName),
        name: artifact.stackName,
        template: artifact.template,
        deployment: {
          templateUrl: artifact.stackTemplateAssetObjectUrl!,
          executionRoleArn: artifact.cloudFormationExecutionRoleArn!,
          lookupRoleArn: artifact.lookupRole?.arn,
          publishingRoleArns: [
            ...new Set(
              artifact.dependencies
                .filter((dependency) => dependency instanceof AssetManifestArtifact)
                .flatMap((manifest) => Object.values(manifest.contents.files ?? {}))
                .flatMap((file) => Object.values(file.destinations).map((destination) => destination.assumeRoleArn!)),
            ),
          ],
        },
      })),
      bundles: Object.fromEntries(
        functions.map((fn) => [`${stackId(fn.stack.stackName)}/${fn.node.id}`, join(useProject().paths.artifacts, fn.node.addr)]),
      ),
      sites: Object.fromEntries(
        sites.map((site) => [
          `${stackId(Stack.of(site).stackName)}/${site.node.id}`,
          join(useProject().paths.artifacts, `StaticSite-${site.node.id}-${site.node.addr}`),
        ]),
      ),
      findings: nag.findings,
      suppressed: nag.suppressed,
      warnings,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const synthesized = new Map<string, Promise<SynthesizedStage>>();

/** `synthesizeStage` with the default environment, once per stage and process: the infra test files share one process. */
export function synthesizeOnce(stage: string): Promise<SynthesizedStage> {
  if (!synthesized.has(stage)) synthesized.set(stage, synthesizeStage(stage));
  return synthesized.get(stage)!;
}
