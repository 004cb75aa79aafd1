import { beforeAll, describe, expect, it } from "vitest";
import { STAGES } from "./synth";
import { synthesized, type Synthesized } from "./testing";

const stages: Record<string, Synthesized> = {};
beforeAll(async () => {
  for (const stage of STAGES) stages[stage] = await synthesized(stage);
});

describe.each(STAGES)("cdk-nag AwsSolutions on the %s stage", (stage) => {
  it("ran, and left no finding unsuppressed", () => {
    expect(stages[stage]!.suppressed.length).toBeGreaterThan(0);
    expect(stages[stage]!.findings).toEqual([]);
  });

  it("accepts each suppressed finding under a named rule, for a reason given in a sentence", () => {
    for (const finding of stages[stage]!.suppressed) {
      expect(finding.rule).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(finding.reason).toMatch(/^[A-Z`a-z].{20,200}\.$/);
    }
  });
});
