/**
 * `npm run synth`: the CloudFormation of every stack of every stage, offline, into .sst/synth/<stage>/<StackName>.json,
 * with cdk-nag's AwsSolutions findings and the warnings of each stage's settings. Exits non-zero when a stage fails
 * to synthesize or a finding is unsuppressed.
 *
 *   npm run synth [-- --stage prod] [--out .sst/synth]
 *
 * The settings are the documentation's (example.com), plus those of who may write taken from the environment, so
 * that `DATA_API_PUBLIC_WRITES=true npm run synth` shows what such a deploy would build, and say.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { NagFinding } from "../stacks/nag";

// Before SST loads: its synth calls STS unless NODE_ENV is "test", and the AWS SDK v2 it loads prints a notice.
process.env.NODE_ENV = "test";
process.env.SST_TELEMETRY_DISABLED = "1";
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = "1";
const { ACCOUNT_SYNTH_ENV, STAGES, SYNTH_ENV, synthesizeStage } = await import("../stacks/synth");
const { ACCOUNT_STAGE } = await import("../stacks/account/settings");
const { loudly } = await import("../stacks/index");
const { ACCESS_VARIABLES } = await import("../stacks/deploy-variables");
const STAGE_ENV = {
  ...SYNTH_ENV,
  ...Object.fromEntries(ACCESS_VARIABLES.flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : []))),
};
const ALL = [...STAGES, ACCOUNT_STAGE] as string[];
const { values } = parseArgs({ options: { stage: { type: "string", multiple: true }, out: { type: "string", default: ".sst/synth" } } });
const stages = values.stage ?? ALL;
const unknown = stages.filter((stage) => !ALL.includes(stage));
if (unknown.length > 0) {
  console.error(`Unknown stage ${unknown.join(", ")}: one of ${ALL.join(", ")}`);
  process.exit(2);
}

const line = (finding: NagFinding) => `${finding.rule} ${finding.path}\n      ${finding.reason ?? finding.info}`;

let failed = false;
for (const stage of stages) {
  try {
    const result = await synthesizeStage(stage, stage === ACCOUNT_STAGE ? ACCOUNT_SYNTH_ENV : STAGE_ENV);
    const dir = join(values.out, stage);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const stack of result.stacks) writeFileSync(join(dir, `${stack.name}.json`), `${JSON.stringify(stack.template, null, 2)}\n`);
    console.log(`\n${stage}: ${result.stacks.map((stack) => stack.name).join(", ")} -> ${dir}`);
    console.log(`  cdk-nag AwsSolutions: ${result.findings.length} unsuppressed, ${result.suppressed.length} suppressed`);
    for (const finding of result.suppressed) console.log(`    suppressed ${line(finding)}`);
    for (const finding of result.findings) console.log(`    UNSUPPRESSED ${line(finding)}`);
    for (const warning of result.warnings) console.log(loudly(warning));
    failed ||= result.findings.length > 0;
  } catch (error) {
    console.error(`\n${stage}: synthesis failed\n`, error);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
