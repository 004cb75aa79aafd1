import * as log from "SyntheticsLogger";
import * as synthetics from "Synthetics";
import { CHECK_NAMES, describeResult, runCheck } from "./checks";
import { probeTarget } from "./settings";

/**
 * The canary's entry point, bundled by stacks/monitoring/canary.ts into the layout Synthetics loads
 * (`nodejs/node_modules/probe.js`). `Synthetics` and `SyntheticsLogger` are the runtime's own modules: each check
 * is a step, and a step that throws fails the run, which is what the canary's success metrics count.
 */
export async function handler(): Promise<void> {
  const target = probeTarget(process.env);
  for (const name of CHECK_NAMES) {
    await synthetics.executeStep(name, async () => {
      const result = await runCheck(target, name);
      if (!result.passed) throw new Error(describeResult(result));
      log.info(describeResult(result));
    });
  }
}
