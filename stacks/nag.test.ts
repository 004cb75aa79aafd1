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

describe.each(STAGES)("API Gateway routes without authorization on the %s stage", (stage) => {
  it("are accepted only for the default route, which serves what is public on purpose", () => {
    const apig4 = stages[stage]!.suppressed.filter((finding) => finding.rule === "AwsSolutions-APIG4");
    expect(apig4.map((finding) => finding.path)).toEqual([`${stage}-data-api-Api/Api/Route_default/Resource`]);
  });
});

describe.each(["staging", "prod"])("the %s user pool under cdk-nag", (stage) => {
  const cognito = (rule: string) => stages[stage]!.suppressed.filter((finding) => finding.rule === rule && finding.path.includes("-Auth/Users/"));

  it("meets the password policy rule (COG1) without a suppression", () => {
    expect([...stages[stage]!.suppressed, ...stages[stage]!.findings].filter((finding) => finding.rule === "AwsSolutions-COG1")).toEqual([]);
  });

  it("accepts optional MFA (COG2) for a stated reason", () => {
    expect(cognito("AwsSolutions-COG2")).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^MFA is optional by decision/) })]);
  });

  it(stage === "prod" ? "enforces threat protection (COG3) without a suppression" : "accepts threat protection off (COG3) for a stated reason", () => {
    expect(cognito("AwsSolutions-COG3")).toHaveLength(stage === "prod" ? 0 : 1);
  });
});
