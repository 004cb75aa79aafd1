import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as synthetics from "aws-cdk-lib/aws-synthetics";
import { NagSuppressions } from "cdk-nag";
import type { Construct } from "constructs";
import { buildSync } from "esbuild";
import { probeEnv } from "../../packages/functions/src/probe/settings";
import { CHECK_NAMES, type ProbeTarget } from "../../packages/functions/src/probe/checks";

/** The probe's entry point (packages/functions/src/probe/canary.ts) and the name Synthetics loads it by. */
const ENTRY = "packages/functions/src/probe/canary.ts";
const MODULE = "probe";
export const PROBE_HANDLER = `${MODULE}.handler`;
/** The newest Node.js runtime aws-cdk-lib names: Node.js 20, whose global fetch is all the probe needs. */
const PROBE_RUNTIME = synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_11_0;
const PROBE_SCHEDULE = Duration.minutes(1);
/** The longest Synthetics keeps a run's record. */
const MAX_RETENTION_DAYS = 455;
const CHECKS = CHECK_NAMES.length;

/**
 * Bundles the probe into `outdir` the way Synthetics loads a Node.js script, `nodejs/node_modules/probe.js`
 * exporting `handler`, and returns `outdir`. The runtime's own modules (`Synthetics`, `SyntheticsLogger`) stay
 * out: its layer provides them.
 */
export function bundleProbe(outdir: string): string {
  mkdirSync(join(outdir, "nodejs", "node_modules"), { recursive: true });
  buildSync({
    entryPoints: [ENTRY],
    outfile: join(outdir, "nodejs", "node_modules", `${MODULE}.js`),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["Synthetics", "SyntheticsLogger"],
    logLevel: "error",
  });
  return outdir;
}

export interface ProbeProps {
  /** The canary's name (lower case, digits, - and _), unique in the account and region. */
  name: string;
  target: ProbeTarget;
  /** Where the bundle is written before CDK stages it as an asset. */
  bundleDir: string;
  /** How long run artifacts (logs, reports) stay in their bucket. */
  artifactDays: number;
  removal: RemovalPolicy;
}

/**
 * A Synthetics canary that runs the probe against the stage every minute from outside the VPC, where users are,
 * keeping each run's artifacts in a private, encrypted bucket that forgets them after `artifactDays`.
 */
export function outsideProbe(scope: Construct, { name, target, bundleDir, artifactDays, removal }: ProbeProps): synthetics.Canary {
  const artifacts = new s3.Bucket(scope, "ProbeArtifacts", {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    lifecycleRules: [{ expiration: Duration.days(artifactDays) }],
    removalPolicy: removal,
    autoDeleteObjects: removal === RemovalPolicy.DESTROY,
  });
  NagSuppressions.addResourceSuppressions(artifacts, [
    {
      id: "AwsSolutions-S1",
      reason: "Only the canary's own role writes this bucket, and what it writes are run logs that expire: access logs would log logs.",
    },
  ]);
  const canary = new synthetics.Canary(scope, "Probe", {
    canaryName: name,
    runtime: PROBE_RUNTIME,
    test: synthetics.Test.custom({ code: synthetics.Code.fromAsset(bundleProbe(bundleDir)), handler: PROBE_HANDLER }),
    schedule: synthetics.Schedule.rate(PROBE_SCHEDULE),
    environmentVariables: probeEnv(target),
    // Two checks, each given up after twice its budget, and the runtime's own start: within the minute between runs
    // for any budget the stage config accepts (at most 10 s).
    timeout: Duration.seconds(Math.ceil((CHECKS * 2 * target.latencyMs) / 1000) + 10),
    artifactsBucketLocation: { bucket: artifacts },
    artifactS3EncryptionMode: synthetics.ArtifactsEncryptionMode.S3_MANAGED,
    successRetentionPeriod: Duration.days(Math.min(artifactDays, MAX_RETENTION_DAYS)),
    failureRetentionPeriod: Duration.days(Math.min(artifactDays, MAX_RETENTION_DAYS)),
    provisionedResourceCleanup: true,
  });
  // The role CDK writes for a canary: what the Synthetics runtime needs, no more (CfnCanary's ExecutionRoleArn).
  NagSuppressions.addResourceSuppressions(canary.role, [
    {
      id: "AwsSolutions-IAM5",
      reason: "The runtime lists buckets to find its own, and writes metrics only under the CloudWatchSynthetics namespace (a condition).",
      appliesTo: ["Resource::*"],
    },
    {
      id: "AwsSolutions-IAM5",
      reason: "Each run writes its artifacts under a new key of the canary's own artifacts bucket.",
      appliesTo: [{ regex: "/^Resource::<ProbeArtifacts[A-Z0-9]+\\.Arn>\\/\\*$/" }],
    },
    {
      id: "AwsSolutions-IAM5",
      reason: "Synthetics names the canary's function, and so its log group, cwsyn-<name>-<id>, the id chosen at creation.",
      appliesTo: [{ regex: "/^Resource::arn:<AWS::Partition>:logs:.+:log-group:\\/aws\\/lambda\\/cwsyn-\\*$/" }],
    },
  ]);
  return canary;
}
