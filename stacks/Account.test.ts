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
  let deployRole: { Properties: { AssumeRolePolicyDocument: { Statement: Statement[] }; Policies: { PolicyDocument: { Statement: Statement[] } }[]; MaxSessionDuration: number } };

  beforeAll(async () => {
    synthesized = await synthAccount({ GITHUB_REPOSITORY: REPOSITORY });
    template = synthesized.template;
    const roles = template.findResources("AWS::IAM::Role", {
      Properties: { AssumeRolePolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: "sts:AssumeRoleWithWebIdentity" })]) } },
    });
    expect(Object.keys(roles)).toHaveLength(1);
    deployRole = Object.values(roles)[0] as typeof deployRole;
  });

  describe("GitHub OIDC", () => {
    it("creates the GitHub Actions identity provider for STS", () => {
      template.hasResourceProperties("AWS::IAM::OIDCProvider", {
        Url: "https://token.actions.githubusercontent.com",
        ClientIdList: ["sts.amazonaws.com"],
      });
    });

    it("lets only main (staging) and the production environment (prod) of this repository assume the deploy role", () => {
      const [providerId] = onlyResource(template, "AWS::IAM::OIDCProvider");
      const trust = deployRole.Properties.AssumeRolePolicyDocument.Statement;
      expect(trust).toEqual([
        {
          Effect: "Allow",
          Action: "sts:AssumeRoleWithWebIdentity",
          Principal: { Federated: { Ref: providerId } },
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": [
                `repo:${REPOSITORY}:ref:refs/heads/main`,
                `repo:${REPOSITORY}:environment:production`,
              ],
            },
          },
        },
      ]);
    });

    it("outputs the role ARN for the repository variable and gives a first prod deploy two hours", () => {
      const [roleId] = Object.entries(template.findResources("AWS::IAM::Role")).find(([, r]) => r === deployRole)!;
      template.hasOutput("DeployRoleArn", { Value: { "Fn::GetAtt": [roleId, "Arn"] } });
      expect(deployRole.Properties.MaxSessionDuration).toBe(7200);
    });

    it("reuses an existing provider instead of creating a second one for the same issuer", async () => {
      const existing = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
      const { template: reusing } = await synthAccount({ GITHUB_REPOSITORY: REPOSITORY, GITHUB_OIDC_PROVIDER_ARN: existing });
      reusing.resourceCountIs("AWS::IAM::OIDCProvider", 0);
      reusing.hasResourceProperties("AWS::IAM::Role", {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: existing } })] },
      });
    });
  });

  describe("deploy role permissions", () => {
    const deployStatements = () => deployRole.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);

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
      expect(deployStatements().flatMap((s) => asList(s.Action)).filter((a) => a.includes("*"))).toEqual([]);
    });

    it("uses a Resource '*' only for cloudformation:ListImports, which has no resource-level permissions", () => {
      const unscoped = deployStatements().filter((s) => asList(s.Resource).includes("*"));
      expect(unscoped.map((s) => s.Action)).toEqual(["cloudformation:ListImports"]);
    });

    it("changes only the stacks of staging and prod, never the account stage that defines its own trust", () => {
      const cloudFormation = deployStatements().filter((s) => asList(s.Action).includes("cloudformation:UpdateStack"));
      expect(cloudFormation).toHaveLength(1);
      expect(asList(cloudFormation[0]!.Resource).map(arn)).toEqual([
        `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/staging-data-api-*/*`,
        `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/prod-data-api-*/*`,
      ]);
    });

    it("works through the CDK bootstrap roles: assumes them, and passes only the execution role to CloudFormation", () => {
      const statements = deployStatements();
      const assume = statements.find((s) => s.Action === "sts:AssumeRole")!;
      expect(asList(assume.Resource).map(arn)).toEqual(
        ["deploy", "file-publishing", "image-publishing", "lookup"].map(
          (kind) => `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-${kind}-role-${ACCOUNT}-eu-west-1`,
        ),
      );
      const pass = statements.find((s) => s.Action === "iam:PassRole")!;
      expect(arn(pass.Resource)).toBe(`arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-eu-west-1`);
      expect(pass.Condition).toEqual({ StringEquals: { "iam:PassedToService": "cloudformation.amazonaws.com" } });
    });

    it("reads and writes only this app's SST metadata of the deployed stages", () => {
      const metadata = deployStatements().find((s) => asList(s.Action).includes("s3:PutObject"))!;
      expect(asList(metadata.Resource).map(arn)).toEqual([
        "arn:aws:s3:::sstbootstrap-*/appMetadata/app.data-api/stage.staging.json",
        "arn:aws:s3:::sstbootstrap-*/appMetadata/app.data-api/stage.prod.json",
      ]);
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
      expect(bucket.DeletionPolicy).toBe("Retain");
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
      template.hasResource("AWS::Logs::LogGroup", { Properties: { RetentionInDays: 90 }, DeletionPolicy: "Retain" });
    });
  });

  it("passes cdk-nag's AwsSolutions checks with no unsuppressed finding", () => {
    expect(synthesized.findings).toEqual([]);
  });
});
