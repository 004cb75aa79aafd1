import { beforeAll, describe, expect, it } from "vitest";
import { DELETION_PROTECTED_TYPES, recoveryPlan, type StackState } from "../scripts/recover";
import { ACCOUNT_STAGE } from "./account/settings";
import { STAGES, synthesizeOnce, synthesizeStage, SYNTH_ENV, type SynthesizedStack } from "./synth";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
type Resource = { Type: string; Properties?: any; DeletionPolicy?: string };
const resourcesOf = (stack: SynthesizedStack) => Object.entries<Resource>(stack.template.Resources);

/** A stack as CloudFormation lists it after a failed create: every resource of its template, with a physical id. */
function failedCreate(stack: SynthesizedStack, status: string, everCreated = false): StackState {
  return {
    name: stack.name,
    status,
    everCreated,
    resources: resourcesOf(stack).map(([id, resource]) => ({ type: resource.Type, physicalId: resource.Properties?.DBInstanceIdentifier ?? id })),
  };
}

describe("a failed first deploy, retried", () => {
  const stages: Record<string, SynthesizedStack[]> = {};
  beforeAll(async () => {
    for (const stage of STAGES) stages[stage] = (await synthesizeOnce(stage)).stacks;
    stages[ACCOUNT_STAGE] = (await synthesizeStage(ACCOUNT_STAGE, { ...SYNTH_ENV, GITHUB_REPOSITORY: "acme/data-api" })).stacks;
  });

  it.each([...STAGES, ACCOUNT_STAGE])("%s keeps nothing a rolled-back create made: no plain Retain, so no name the retry collides with", (stage) => {
    const retained = stages[stage]!.flatMap((stack) =>
      resourcesOf(stack).filter(([, resource]) => resource.DeletionPolicy === "Retain").map(([id]) => `${stack.id}/${id}`),
    );
    expect(retained).toEqual([]);
    // What is kept on removal is still kept: the fixed-name RDS log groups of prod among them.
    if (stage === "prod") {
      const database = stages.prod!.find((stack) => stack.id === "Database")!;
      const logGroups = resourcesOf(database).filter(([, resource]) => resource.Properties?.LogGroupName?.startsWith?.("/aws/rds/instance/"));
      expect(logGroups.map(([, resource]) => resource.DeletionPolicy)).toEqual(["RetainExceptOnCreate", "RetainExceptOnCreate"]);
    }
  });

  it.each(STAGES)("%s has no deletion-protected resource but those `npm run recover` unprotects", (stage) => {
    const protectedTypes = stages[stage]!.flatMap((stack) =>
      resourcesOf(stack).filter(([, resource]) => resource.Properties?.DeletionProtection === true).map(([, resource]) => resource.Type),
    );
    for (const type of protectedTypes) expect(DELETION_PROTECTED_TYPES).toContain(type);
    expect(protectedTypes).toEqual(stage === "prod" ? ["AWS::RDS::DBInstance"] : []);
  });

  it("unprotects the prod database a failed create left, then deletes its stack", () => {
    const database = stages.prod!.find((stack) => stack.id === "Database")!;
    const [, instance] = resourcesOf(database).find(([, resource]) => resource.Type === "AWS::RDS::DBInstance")!;
    const api = stages.prod!.find((stack) => stack.id === "Api")!;
    const plan = recoveryPlan([
      failedCreate(database, "ROLLBACK_FAILED"),
      failedCreate(api, "ROLLBACK_COMPLETE"),
      { name: "prod-data-api-Network", status: "CREATE_COMPLETE", everCreated: true, resources: [] },
    ]);
    expect(plan).toEqual([
      { unprotectDatabase: instance.Properties.DBInstanceIdentifier, of: "prod-data-api-Database" },
      { deleteStack: "prod-data-api-Database" },
      { deleteStack: "prod-data-api-Api" },
    ]);
    expect(instance.Properties.DBInstanceIdentifier).toBe("prod-data-api-db");
  });

  it("also clears the DELETE_FAILED that sst deploy's own retry leaves behind", () => {
    const database = stages.prod!.find((stack) => stack.id === "Database")!;
    expect(recoveryPlan([failedCreate(database, "DELETE_FAILED")]).map((step) => Object.keys(step)[0])).toEqual([
      "unprotectDatabase",
      "deleteStack",
    ]);
  });

  it("refuses a stack that was created whole once, whose database may hold real data", () => {
    const database = stages.prod!.find((stack) => stack.id === "Database")!;
    expect(() => recoveryPlan([failedCreate(database, "DELETE_FAILED", true)])).toThrow(/Refusing: prod-data-api-Database/);
  });

  it("leaves healthy and updating stacks alone", () => {
    const states = ["CREATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "UPDATE_IN_PROGRESS"].map((status) => ({
      name: `prod-data-api-${status}`,
      status,
      everCreated: true,
      resources: [{ type: "AWS::RDS::DBInstance", physicalId: "prod-data-api-db" }],
    }));
    expect(recoveryPlan(states)).toEqual([]);
  });
});
