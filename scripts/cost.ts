/**
 * `npm run cost`: what each stage costs idle and per million requests, computed from its synthesized stacks at the
 * list prices of stacks/cost/prices.ts. `-- --write` puts the tables into the README's "Cost" section, which a
 * test keeps equal to what this prints.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

// Before SST loads: its synth calls STS unless NODE_ENV is "test".
process.env.NODE_ENV = "test";
process.env.SST_TELEMETRY_DISABLED = "1";
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = "1";
const { pricedStages } = await import("../stacks/cost/stages");
const { costSection, COST_BEGIN, COST_END } = await import("../stacks/cost/estimate");

const { values } = parseArgs({ options: { write: { type: "boolean", default: false } } });
const section = costSection(await pricedStages());

if (!values.write) {
  console.log(section);
} else {
  const readme = readFileSync("README.md", "utf8");
  const begin = readme.indexOf(COST_BEGIN);
  const end = readme.indexOf(COST_END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no cost section: put the two markers where it goes\n${COST_BEGIN}\n${COST_END}`);
  writeFileSync("README.md", readme.slice(0, begin) + section + readme.slice(end + COST_END.length));
  console.log("README.md: cost section written");
}
