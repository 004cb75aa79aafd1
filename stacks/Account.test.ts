import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_STAGE } from "./account/settings";
import { synthesizeStage, SYNTH_ENV } from "./synth";

const REPOSITORY = "acme/data-api";
const ACCOUNT = "123456789012";

interface Synthesized {
  template: Template;
  /** cdk-nag's unsuppressed findings. */
  findings: { rule: string; path: string }[];
}

/** Synthesizes the `account` stage the way `sst deploy --stage account` does, with cdk-nag's AwsSolutions pack. */
async function synthAccount(env: Record<string, string>): Promise<Synthesized> {
  const result = await synthesizeStage(ACCOUNT_STAGE, { ...SYNTH_ENV, ...env });
  expect(result.stacks.map((stack) => stack.id)).toEqual(["Account"]);
  return { template: Template.fromJSON(result.stacks[0]!.template), findings: result.findings };
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };
const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every identity-policy statement of the template: roles' inline policies, policies and managed policies. */
function identityStatements(template: Template): Statement[] {
  const documents = [
    ...Object.values(template.findResources("AWS::IAM::Role")).flatMap((r) =>
      (r.Properties.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument),
    ),
    ...Object.values(template.findResources("AWS::IAM::Policy")).map((r) => r.Properties.PolicyDocument),
    ...Object.values(template.findResources("AWS::IAM::ManagedPolicy")).map((r) => r.Properties.PolicyDocument),
  ] as { Statement: Statement[] }[];
  return documents.flatMap((d) => d.Statement);
}

/** The ARN a `Fn::Join` of the template spells, with the partition written out. */
function arn(resource: unknown): string {
  if (typeof resource === "string") return resource;
  const join = (resource as { "Fn::Join"?: [string, unknown[]] })["Fn::Join"];
  if (!join) return JSON.stringify(resource);
  return join[1].map((part) => (typeof part === "string" ? part : (part as { Ref?: string }).Ref === "AWS::Partition" ? "aws" : "?")).join(join[0]);
}

function onlyResource<T = { Properties: Record<string, unknown> }>(template: Template, type: string): [string, T] {
  const found = Object.entries(template.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0] as [string, T];
}

describe("account stage", () => {
  let synthesized: Synthesized;
  let template: Template;
  type Role = { Properties: { AssumeRolePolicyDocument: { Statement: Statement[] }; Policies: { PolicyDocument: { Statement: Statement[] } }[]; MaxSessionDuration: number } };
  let deployRoles: Record<string, [string, Role]>;

  beforeAll(async () => {
    synthesized = await synthAccount({ GITHUB_REPOSITORY: REPOSITORY });
    template = synthesized.template;
    const roles = template.findResources("AWS::IAM::Role", {
      Properties: { AssumeRolePolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: "sts:AssumeRoleWithWebIdentity" })]) } },
    });
    deployRoles = Object.fromEntries(
      ["staging", "prod"].map((stage) => {
        const output = `${stage[0]!.toUpperCase()}${stage.slice(1)}DeployRoleArn`;
        const [roleId] = template.toJSON().Outputs[output].Value["Fn::GetAtt"];
        return [stage, [roleId, roles[roleId] as Role]];
      }),
    );
    expect(Object.keys(roles).sort()).toEqual(Object.values(deployRoles).map(([id]) => id).sort());
  });

  describe("GitHub OIDC", () => {
    it("creates the GitHub Actions identity provider for STS, once for both roles", () => {
      template.resourceCountIs("AWS::IAM::OIDCProvider", 1);
      template.hasResourceProperties("AWS::IAM::OIDCProvider", {
        Url: "https://token.actions.githubusercontent.com",
        ClientIdList: ["sts.amazonaws.com"],
      });
      const [providerId] = onlyResource(template, "AWS::IAM::OIDCProvider");
      for (const [, role] of Object.values(deployRoles)) {
        expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
          expect.objectContaining({ Action: "sts:AssumeRoleWithWebIdentity", Principal: { Federated: { Ref: providerId } } }),
        ]);
      }
    });

    it.each([
      ["staging", `repo:${REPOSITORY}:ref:refs/heads/main`],
      ["prod", `repo:${REPOSITORY}:environment:production`],
    ])("lets only the %s deploy job (%s) assume the %s role", (stage, subject) => {
      const [, role] = deployRoles[stage]!;
      expect(role.Properties.AssumeRolePolicyDocument.Statement[0]!.Condition).toEqual({
        StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": subject },
      });
    });

    it("outputs each role's ARN for the GitHub variable that names it, and gives a first prod deploy two hours", () => {
      for (const [stage, variable] of [["staging", "STAGING_DEPLOY_ROLE_ARN"], ["prod", "PROD_DEPLOY_ROLE_ARN"]] as const) {
        const [roleId, role] = deployRoles[stage]!;
        const output = `${stage[0]!.toUpperCase()}${stage.slice(1)}DeployRoleArn`;
        template.hasOutput(output, { Value: { "Fn::GetAtt": [roleId, "Arn"] }, Description: `GitHub variable ${variable}` });
        expect(role.Properties.MaxSessionDuration).toBe(7200);
      }
    });

    it("reuses an existing provider instead of creating a second one for the same issuer", async () => {
      const existing = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
      const { template: reusing } = await synthAccount({ GITHUB_REPOSITORY: REPOSITORY, GITHUB_OIDC_PROVIDER_ARN: existing });
      reusing.resourceCountIs("AWS::IAM::OIDCProvider", 0);
      const trusting = reusing.findResources("AWS::IAM::Role", {
        Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: existing } })] } },
      });
      expect(Object.keys(trusting)).toHaveLength(2);
    });
  });

  describe("deploy role permissions (deploy-role.test.ts evaluates them against what sst deploy asks)", () => {
    const deployStatements = (stage: string) => deployRoles[stage]![1].Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);

    it("holds no statement that allows every action on every resource, in any policy of the stack", () => {
      const statements = identityStatements(template);
      expect(statements.length).toBeGreaterThan(0);
      const everything = statements.filter(
        (s) =>
          s.Effect === "Allow" &&
          asList(s.Action).some((a) => a === "*" || a.endsWith(":*")) &&
          asList(s.Resource).some((r) => r === "*"),
      );
      expect(everything).toEqual([]);
      for (const stage of ["staging", "prod"]) {
        expect(deployStatements(stage).flatMap((s) => asList(s.Action)).filter((a) => a.includes("*"))).toEqual([]);
      }
    });

    it("uses a Resource '*' only for cloudformation:ListImports, which has no resource-level permissions", () => {
      for (const stage of ["staging", "prod"]) {
        const unscoped = deployStatements(stage).filter((s) => asList(s.Resource).includes("*"));
        expect(unscoped.map((s) => s.Action)).toEqual(["cloudformation:ListImports"]);
      }
    });

    it.each(["staging", "prod"])("changes only the stacks of %s, never the account stage that defines its own trust", (stage) => {
      const cloudFormation = deployStatements(stage).filter((s) => asList(s.Action).includes("cloudformation:UpdateStack"));
      expect(cloudFormation).toHaveLength(1);
      expect(asList(cloudFormation[0]!.Resource).map(arn)).toEqual([`arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/${stage}-data-api-*/*`]);
    });
  });

  describe("audit trail", () => {
    it("records every region, validates log files, encrypts them with a rotated key and feeds CloudWatch Logs", () => {
      const [keyId, key] = onlyResource(template, "AWS::KMS::Key");
      const [bucketId] = Object.entries(template.findResources("AWS::S3::Bucket", { Properties: { VersioningConfiguration: {} } }))[0]!;
      const [logGroupId] = onlyResource(template, "AWS::Logs::LogGroup");
      expect(key.Properties.EnableKeyRotation).toBe(true);
      template.hasResourceProperties("AWS::CloudTrail::Trail", {
        IsLogging: true,
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        EnableLogFileValidation: true,
        EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: "All" }],
        KMSKeyId: { "Fn::GetAtt": [keyId, "Arn"] },
        S3BucketName: { Ref: bucketId },
        CloudWatchLogsLogGroupArn: { "Fn::GetAtt": [logGroupId, "Arn"] },
      });
    });

    it("lets CloudTrail use the key only on behalf of this trail", () => {
      const [, key] = onlyResource<{ Properties: { KeyPolicy: { Statement: (Statement & { Principal: unknown })[] } } }>(
        template,
        "AWS::KMS::Key",
      );
      const forCloudTrail = key.Properties.KeyPolicy.Statement.filter(
        (s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: "cloudtrail.amazonaws.com" }),
      );
      expect(forCloudTrail.map((s) => s.Action)).toEqual(["kms:GenerateDataKey*", "kms:DescribeKey"]);
      for (const statement of forCloudTrail) {
        const sourceArn = (statement.Condition?.StringEquals as Record<string, unknown>)["aws:SourceArn"];
        expect(arn(sourceArn)).toBe(`arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/data-api-audit`);
      }
    });

    it("delivers to a private, versioned, encrypted, TLS-only bucket that expires old files and outlives the stack", () => {
      const trail = onlyResource<{ Properties: { S3BucketName: { Ref: string } } }>(template, "AWS::CloudTrail::Trail")[1];
      const bucketId = trail.Properties.S3BucketName.Ref;
      const bucket = template.toJSON().Resources[bucketId];
      expect(bucket.DeletionPolicy).toBe("RetainExceptOnCreate");
      expect(bucket.Properties).toMatchObject({
        VersioningConfiguration: { Status: "Enabled" },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: expect.any(String) } },
        LifecycleConfiguration: { Rules: [expect.objectContaining({ Status: "Enabled", ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 30 } })] },
      });
      template.hasResourceProperties("AWS::S3::BucketPolicy", {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          ]),
        },
      });
    });

    it("keeps the CloudWatch copy searchable for three months and retains it with the stack", () => {
      template.hasResource("AWS::Logs::LogGroup", { Properties: { RetentionInDays: 90 }, DeletionPolicy: "RetainExceptOnCreate" });
    });
  });

  it("passes cdk-nag's AwsSolutions checks with no unsuppressed finding", () => {
    expect(synthesized.findings).toEqual([]);
  });
});
