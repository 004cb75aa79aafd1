import { ACCOUNT_STAGE } from "../account/settings";
import { ACCOUNT_SYNTH_ENV, STAGES, synthesizeOnce, synthesizeStage } from "../synth";
import type { CfnTemplate } from "./estimate";

/** Every stage the README prices, synthesized offline as `npm run synth` does (one after the other: SST's project is global). */
export async function pricedStages(): Promise<{ stage: string; templates: CfnTemplate[] }[]> {
  const priced = [];
  for (const stage of STAGES) priced.push({ stage, stacks: (await synthesizeOnce(stage)).stacks });
  priced.push({ stage: ACCOUNT_STAGE, stacks: (await synthesizeStage(ACCOUNT_STAGE, ACCOUNT_SYNTH_ENV)).stacks });
  return priced.map(({ stage, stacks }) => ({ stage, templates: stacks.map((stack) => stack.template) }));
}
