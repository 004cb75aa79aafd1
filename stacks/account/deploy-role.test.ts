import { createValidatedPolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import { runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { beforeAll, describe, expect, it } from "vitest";
import { synthesizeOnce, synthesizeStage, SYNTH_ENV, type SynthesizedStack } from "../synth";
import { ACCOUNT_STAGE, DEPLOYED_STAGES, deploySubject, type DeployedStage } from "./settings";
import { resolveValue, smokeTestCalls, sstDeployCalls, type DeployCall, type DeployEnvironment } from "./sst-deploy-calls";

const REPOSITORY = "acme/data-api";
const ACCOUNT = "123456789012";
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const AWS = { account: ACCOUNT, region: "eu-west-1", partition: "aws" };
const environment = (stage: string): DeployEnvironment => ({
  ...AWS,
  app: "data-api",
  stage,
  // What the SSTBootstrap stack names its bucket: a generated suffix after "sstbootstrap-".
  sstBootstrapBucket: "sstbootstrap-euwest1-3f9a1c2b",
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- IAM JSON
type PolicyDocument = { Version: string; Statement: any[] };
interface DeployRole {
  arn: string;
  policy: PolicyDocument;
  trust: PolicyDocument;
}

/** A template's policy document with every intrinsic function computed, as IAM will see it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
function resolved(document: any, template: Record<string, any>): PolicyDocument {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
  const walk = (value: any): any => {
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") {
      if (/^GitHubProvider/.test(value.Ref ?? "")) return PROVIDER;
      if (value.Ref || value["Fn::Join"] || value["Fn::FindInMap"]) return resolveValue(value, template, AWS);
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    }
    return value;
  };
  return walk(document);
}

const outputOf = (stage: string) => `${stage[0]!.toUpperCase()}${stage.slice(1)}DeployRoleArn`;

async function deployRoles(): Promise<Record<DeployedStage, DeployRole>> {
  const { stacks } = await synthesizeStage(ACCOUNT_STAGE, { ...SYNTH_ENV, GITHUB_REPOSITORY: REPOSITORY });
  const { template } = stacks[0]!;
  return Object.fromEntries(
    DEPLOYED_STAGES.map((stage) => {
      const [roleId] = template.Outputs[outputOf(stage)].Value["Fn::GetAtt"];
      const role = template.Resources[roleId].Properties;
      expect(role.Policies).toHaveLength(1);
      return [
        stage,
        {
          arn: `arn:aws:iam::${ACCOUNT}:role/${roleId}`,
          policy: resolved(role.Policies[0].PolicyDocument, template),
          trust: resolved(role.AssumeRolePolicyDocument, template),
        },
      ];
    }),
  ) as Record<DeployedStage, DeployRole>;
}

/** IAM's answer to `role` making `call`: Allowed, ImplicitlyDenied or ExplicitlyDenied. */
async function decide(role: DeployRole, call: Pick<DeployCall, "action" | "resource" | "context">): Promise<string> {
  // An ARN without an account (S3) or with AWS's own ("aws" of a transform) is judged by the caller's policies alone.
  const accountOf = (arn: string) => /^\d{12}$/.exec(arn.split(":")[4] ?? "")?.[0] ?? ACCOUNT;
  const simulation: Simulation = {
    identityPolicies: [{ name: "SstDeploy", policy: role.policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    // A public Serverless Application Repository application lets every account create its template.
    resourcePolicy: call.action.startsWith("serverlessrepo:")
      ? { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: call.action, Resource: call.resource }] }
      : undefined,
    request: {
      principal: role.arn,
      action: call.action,
      resource: { resource: call.resource, accountId: accountOf(call.resource) },
      contextVariables: call.context ?? {},
    },
  };
  // The IAM reference lists only `stack` as a resource of CreateChangeSet, yet CloudFormation authorizes a
  // transform's expansion on arn:…:transform/<name>: the evaluator runs that one without its resource-type check.
  if (call.resource.includes(":transform/")) return runUnsafeSimulation(simulation, {});
  const answer = await runSimulation(simulation, {});
  if (answer.resultType === "error") throw new Error(`${call.action} on ${call.resource}: ${JSON.stringify(answer.errors)}`);
  return answer.overallResult;
}

/** Whether GitHub's token with `sub` (and `aud`) may become `role`. */
function trusts(role: DeployRole, sub: string, aud = "sts.amazonaws.com"): string {
  const trust = createValidatedPolicy(role.trust, validateTrustPolicy, { name: "TrustPolicy" });
  expect(trust.errors).toEqual([]);
  // GitHub's `sub` and `aud` claims are missing from the evaluator's table of context keys, which would drop them:
  // it runs without that validation.
  return runUnsafeSimulation(
    {
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trust,
      request: {
        principal: PROVIDER,
        action: "sts:AssumeRoleWithWebIdentity",
        resource: { resource: role.arn, accountId: ACCOUNT },
        contextVariables: { "token.actions.githubusercontent.com:sub": sub, "token.actions.githubusercontent.com:aud": aud },
      },
    },
    {},
  );
}

const names = (stage: string, call: DeployCall) => call.resource.includes(`${stage}-data-api-`) || call.resource.includes(`stage.${stage}.json`);

describe("the deploy roles, evaluated by an IAM policy simulator against what sst deploy asks of them", () => {
  let roles: Record<DeployedStage, DeployRole>;
  const calls: Partial<Record<DeployedStage, DeployCall[]>> = {};
  const smokeCalls: Partial<Record<DeployedStage, DeployCall[]>> = {};
  const stacks: Partial<Record<DeployedStage, SynthesizedStack[]>> = {};

  beforeAll(async () => {
    roles = await deployRoles();
    for (const stage of DEPLOYED_STAGES) {
      stacks[stage] = (await synthesizeOnce(stage)).stacks;
      calls[stage] = sstDeployCalls(environment(stage), stacks[stage]!);
      smokeCalls[stage] = smokeTestCalls(environment(stage), stacks[stage]!);
    }
  });

  it("list every call with the line of SST, the toolkit or the AWS rule it comes from", () => {
    for (const stage of DEPLOYED_STAGES) {
      expect(calls[stage]!.length).toBeGreaterThan(50);
      for (const call of calls[stage]!) expect(call.source, call.action).toMatch(/node_modules\/\S+\.js:\d+|CloudFormation|transform/);
    }
    // What a first deploy from an empty account tripped over: the bootstrap version parameter of every template,
    // and the transform and rotation application of the Database stack.
    const prod = calls.prod!;
    const database = stacks.prod!.find((stack) => stack.id === "Database")!;
    expect(prod).toContainEqual(expect.objectContaining({
      action: "ssm:GetParameters",
      resource: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/cdk-bootstrap/hnb659fds/version`,
    }));
    expect(database.template.Transform).toEqual(["AWS::Serverless-2016-10-31"]);
    expect(prod).toContainEqual(expect.objectContaining({
      action: "cloudformation:CreateChangeSet",
      resource: "arn:aws:cloudformation:eu-west-1:aws:transform/Serverless-2016-10-31",
    }));
    expect(prod).toContainEqual(expect.objectContaining({
      action: "serverlessrepo:CreateCloudFormationTemplate",
      resource: "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser",
    }));
  });

  describe.each(DEPLOYED_STAGES)("%s's role", (stage) => {
    const other = DEPLOYED_STAGES.find((candidate) => candidate !== stage)!;

    it("is allowed every call sst deploy makes for its stage", async () => {
      const denied: string[] = [];
      for (const call of calls[stage]!) {
        if ((await decide(roles[stage], call)) !== "Allowed") denied.push(`${call.action} ${call.resource} (${call.source})`);
      }
      expect(denied).toEqual([]);
    });

    it("may read the machine client of its own stage's user pool, which the smoke test writes with", async () => {
      const [describe, ...more] = smokeCalls[stage]!;
      expect(more).toEqual([]);
      // The tags CloudFormation puts on the pool: what IAM holds the grant to.
      expect(describe!.context).toEqual({ "aws:ResourceTag/sst:app": "data-api", "aws:ResourceTag/sst:stage": stage });
      expect(await decide(roles[stage], describe!)).toBe("Allowed");
    });

    it(`may not read ${other}'s machine client, nor a pool without the stage's tags, nor change any pool`, async () => {
      const [own] = smokeCalls[stage]!;
      const [theirs] = smokeCalls[other]!;
      expect(await decide(roles[stage], theirs!)).toBe("ImplicitlyDenied");
      expect(await decide(roles[stage], { ...own!, context: { "aws:ResourceTag/sst:stage": stage } })).toBe("ImplicitlyDenied");
      expect(await decide(roles[stage], { ...own!, context: {} })).toBe("ImplicitlyDenied");
      for (const action of ["ListUserPoolClients", "UpdateUserPoolClient", "AdminCreateUser", "AdminInitiateAuth", "TagResource", "DescribeUserPool"]) {
        expect(await decide(roles[stage], { ...own!, action: `cognito-idp:${action}` }), action).toBe("ImplicitlyDenied");
      }
    });

    it(`is denied every call of ${other}'s deploy that touches ${other}'s stacks or metadata`, async () => {
      const touching = calls[other]!.filter((call) => names(other, call));
      expect(touching.length).toBeGreaterThan(20);
      for (const call of touching) expect(await decide(roles[stage], call), `${call.action} ${call.resource}`).toBe("ImplicitlyDenied");
    });

    it.each([
      ["assume CDK's deploy role, which may change any stack", "sts:AssumeRole", `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-deploy-role-${ACCOUNT}-eu-west-1`],
      ["change the account stage that defines its own trust", "cloudformation:UpdateStack", `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/account-data-api-Account/1`],
      ["change the CDK bootstrap", "cloudformation:UpdateStack", `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/CDKToolkit/1`],
      ["delete SST's bootstrap", "cloudformation:DeleteStack", `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/SSTBootstrap/1`],
      ["overwrite assets, which only the publishing role writes", "s3:PutObject", `arn:aws:s3:::cdk-hnb659fds-assets-${ACCOUNT}-eu-west-1/0a1b.zip`],
      ["read asset zips, which only CloudFormation's templates need", "s3:GetObject", `arn:aws:s3:::cdk-hnb659fds-assets-${ACCOUNT}-eu-west-1/0a1b.zip`],
    ])("may not %s", async (_, action, resource) => {
      expect(await decide(roles[stage], { action, resource })).toBe("ImplicitlyDenied");
    });

    it("passes the execution role to CloudFormation only", async () => {
      const pass = calls[stage]!.find((call) => call.action === "iam:PassRole")!;
      expect(await decide(roles[stage], pass)).toBe("Allowed");
      expect(await decide(roles[stage], { ...pass, context: { "iam:PassedToService": "lambda.amazonaws.com" } })).toBe("ImplicitlyDenied");
    });

    it(`trusts only GitHub's token for the ${stage} deploy job of this repository`, () => {
      expect(trusts(roles[stage], deploySubject(REPOSITORY, stage))).toBe("Allowed");
      for (const sub of [
        deploySubject(REPOSITORY, other),
        `repo:${REPOSITORY}:pull_request`,
        `repo:${REPOSITORY}:ref:refs/heads/feature`,
        `repo:${REPOSITORY}:ref:refs/tags/v1.0.0`,
        `repo:${REPOSITORY}:environment:staging`,
        deploySubject("acme/fork", stage),
      ]) {
        expect(trusts(roles[stage], sub), sub).toBe("ImplicitlyDenied");
      }
      expect(trusts(roles[stage], deploySubject(REPOSITORY, stage), "api://elsewhere")).toBe("ImplicitlyDenied");
    });
  });
});
