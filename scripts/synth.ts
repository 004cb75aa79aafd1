/**
 * `npm run synth`: the CloudFormation of every stack of every stage, offline, into .sst/synth/<stage>/<StackName>.json,
 * with cdk-nag's AwsSolutions findings. Exits non-zero when a stage fails to synthesize or a finding is unsuppressed.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { NagFinding } from "../stacks/nag";

// Before SST loads: its synth calls STS unless NODE_ENV is "test", and the AWS SDK v2 it loads prints a notice.
process.env.NODE_ENV = "test";
process.env.SST_TELEMETRY_DISABLED = "1";
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = "1";
const { STAGES, SYNTH_ENV, synthesizeStage } = await import("../stacks/synth");
const { ACCOUNT_STAGE } = await import("../stacks/account/settings");
// The account stage trusts one repository: GitHub Actions names it; elsewhere a documentation example stands in.
const ACCOUNT_ENV = { ...SYNTH_ENV, GITHUB_REPOSITORY: process.env.GITHUB_REPOSITORY || "acme/data-api" };

const line = (finding: NagFinding) => `${finding.rule} ${finding.path}\n      ${finding.reason ?? finding.info}`;

let failed = false;
for (const stage of [...STAGES, ACCOUNT_STAGE]) {
  try {
    const result = await synthesizeStage(stage, stage === ACCOUNT_STAGE ? ACCOUNT_ENV : SYNTH_ENV);
    const dir = join(".sst/synth", stage);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const stack of result.stacks) writeFileSync(join(dir, `${stack.name}.json`), `${JSON.stringify(stack.template, null, 2)}\n`);
    console.log(`\n${stage}: ${result.stacks.map((stack) => stack.name).join(", ")} -> ${dir}`);
    console.log(`  cdk-nag AwsSolutions: ${result.findings.length} unsuppressed, ${result.suppressed.length} suppressed`);
    for (const finding of result.suppressed) console.log(`    suppressed ${line(finding)}`);
    for (const finding of result.findings) console.log(`    UNSUPPRESSED ${line(finding)}`);
    failed ||= result.findings.length > 0;
  } catch (error) {
    console.error(`\n${stage}: synthesis failed\n`, error);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
