/**
 * Makes a stage whose first deploy failed deployable again (docs/runbook.md, "A first deploy failed"):
 *
 *   npm run recover -- --stage prod [--dry-run]
 *
 * A create that fails rolls back; where the rollback cannot delete a deletion-protected database, the stack stays
 * ROLLBACK_FAILED, and `sst deploy`'s own retry (which deletes such a stack first, sst/stacks/deploy.js:88-91)
 * ends in DELETE_FAILED. This lifts the protection of the databases such a stack created, then deletes the stack.
 * It refuses any stack that was ever created whole: its database may hold real data.
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import {
  CloudFormationClient,
  DeleteStackCommand,
  paginateDescribeStackEvents,
  paginateDescribeStacks,
  paginateListStackResources,
  waitUntilStackDeleteComplete,
} from "@aws-sdk/client-cloudformation";
import { DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient } from "@aws-sdk/client-rds";
import { appSettings } from "../stacks/config";

/** What a failed create leaves: states CloudFormation will not create a stack over. */
const FAILED_CREATE = new Set(["ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED"]);
/** The resources whose deletion a rollback cannot force, and so must be unprotected first. */
export const DELETION_PROTECTED_TYPES = ["AWS::RDS::DBInstance"];

export interface StackState {
  name: string;
  status: string;
  /** Whether the stack ever reached CREATE_COMPLETE, by its own events. */
  everCreated: boolean;
  resources: { type: string; physicalId?: string }[];
}

export type RecoveryStep = { unprotectDatabase: string; of: string } | { deleteStack: string };

/** The steps that clear the failed creates among `stacks`; throws rather than touch a stack that was ever whole. */
export function recoveryPlan(stacks: StackState[]): RecoveryStep[] {
  const failed = stacks.filter((stack) => FAILED_CREATE.has(stack.status));
  const whole = failed.filter((stack) => stack.everCreated);
  if (whole.length > 0) {
    throw new Error(
      `Refusing: ${whole.map((stack) => `${stack.name} (${stack.status})`).join(", ")} was created whole once, so its ` +
        "data may be real. Fix what blocks its deletion by hand (docs/runbook.md, \"A first deploy failed\").",
    );
  }
  return failed.flatMap((stack) => [
    ...stack.resources
      .filter((resource) => DELETION_PROTECTED_TYPES.includes(resource.type) && resource.physicalId)
      .map((resource) => ({ unprotectDatabase: resource.physicalId!, of: stack.name })),
    { deleteStack: stack.name },
  ]);
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

async function stageStacks(cloudFormation: CloudFormationClient, prefix: string): Promise<StackState[]> {
  const described = (await collect(paginateDescribeStacks({ client: cloudFormation }, {}))).flatMap((page) => page.Stacks ?? []);
  return Promise.all(
    described
      .filter((stack) => stack.StackName!.startsWith(prefix))
      .map(async (stack) => {
        const name = stack.StackName!;
        if (!FAILED_CREATE.has(stack.StackStatus!)) return { name, status: stack.StackStatus!, everCreated: true, resources: [] };
        const events = (await collect(paginateDescribeStackEvents({ client: cloudFormation }, { StackName: name }))).flatMap((page) => page.StackEvents ?? []);
        const resources = (await collect(paginateListStackResources({ client: cloudFormation }, { StackName: name }))).flatMap(
          (page) => page.StackResourceSummaries ?? [],
        );
        return {
          name,
          status: stack.StackStatus!,
          everCreated: events.some((event) => event.LogicalResourceId === name && event.ResourceStatus === "CREATE_COMPLETE"),
          resources: resources.map((resource) => ({ type: resource.ResourceType!, physicalId: resource.PhysicalResourceId })),
        };
      }),
  );
}

async function unprotect(rds: RDSClient, identifier: string): Promise<void> {
  await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: identifier, DeletionProtection: false, ApplyImmediately: true }));
  for (let attempt = 0; attempt < 60; attempt++) {
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
    if (DBInstances?.[0]?.DeletionProtection === false) return;
    await new Promise((resolve) => setTimeout(resolve, 10_000));
  }
  throw new Error(`${identifier} still has deletion protection after ten minutes`);
}

async function main() {
  const { values } = parseArgs({ options: { stage: { type: "string" }, "dry-run": { type: "boolean", default: false } } });
  if (!values.stage) throw new Error("--stage is required");
  const { name, region } = appSettings(process.env);
  const cloudFormation = new CloudFormationClient({ region });
  const rds = new RDSClient({ region });
  const plan = recoveryPlan(await stageStacks(cloudFormation, `${values.stage}-${name}-`));
  if (plan.length === 0) return console.log(`No stack of ${values.stage} in ${region} is left from a failed create: nothing to do.`);
  for (const step of plan) {
    console.log("unprotectDatabase" in step ? `lift deletion protection of ${step.unprotectDatabase} (${step.of})` : `delete ${step.deleteStack}`);
    if (values["dry-run"]) continue;
    if ("unprotectDatabase" in step) await unprotect(rds, step.unprotectDatabase);
    else {
      await cloudFormation.send(new DeleteStackCommand({ StackName: step.deleteStack }));
      await waitUntilStackDeleteComplete({ client: cloudFormation, maxWaitTime: 3_600 }, { StackName: step.deleteStack });
    }
  }
  if (!values["dry-run"]) console.log(`Done: deploy ${values.stage} again.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: Error) => {
    console.error(`recover failed: ${error.message}`);
    process.exit(1);
  });
}
