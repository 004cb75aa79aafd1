import { Template } from "aws-cdk-lib/assertions";
import { synthesizeOnce, type SynthesizedStage } from "./synth";

export interface Synthesized extends SynthesizedStage {
  /** The stack's template by SST stack id ("Network", "Database", "Api", "Web"); throws for a stack the stage lacks. */
  template(id: string): Template;
  has(id: string): boolean;
  /** What another stack's `{ "Fn::ImportValue": name }` stands for: the value of the output exported as `name`. */
  exported(name: string): { stack: string; value: unknown };
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
    exported(name) {
      for (const stack of result.stacks) {
        const outputs: Record<string, { Value: unknown; Export?: { Name: string } }> = stack.template.Outputs ?? {};
        const output = Object.values(outputs).find((candidate) => candidate.Export?.Name === name);
        if (output) return { stack: stack.id, value: output.Value };
      }
      throw new Error(`Stage "${stage}" exports no "${name}"`);
    },
  };
}
