import { Template } from "aws-cdk-lib/assertions";
import { synthesizeOnce, type SynthesizedStage } from "./synth";

export interface Synthesized extends SynthesizedStage {
  /** The stack's template by SST stack id ("Network", "Database", "Api", "Web"); throws for a stack the stage lacks. */
  template(id: string): Template;
  has(id: string): boolean;
}

/** A stage synthesized offline (once per test run), with assertion-ready templates. */
export async function synthesized(stage: string): Promise<Synthesized> {
  const result = await synthesizeOnce(stage);
  const byId = new Map(result.stacks.map((stack) => [stack.id, Template.fromJSON(stack.template)]));
  return {
    ...result,
    has: (id) => byId.has(id),
    template(id) {
      const template = byId.get(id);
      if (!template) throw new Error(`Stage "${stage}" has no ${id} stack`);
      return template;
    },
  };
}
