import { CfnMapping, Duration, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import { SecretRotationApplication } from "aws-cdk-lib/aws-secretsmanager";
import { NagSuppressions } from "cdk-nag";
import { Construct } from "constructs";
import { CDK_QUALIFIER, SERVERLESS_TRANSFORM, STAGE_TAGS } from "./sst-deploy-calls";

export const GITHUB_ISSUER = "token.actions.githubusercontent.com";
export const STS_AUDIENCE = "sts.amazonaws.com";
const PARTITIONS = ["aws", "aws-cn", "aws-us-gov"];

export interface GitHubDeployRoleProps {
  /** The one OIDC `sub` claim that may assume the role: the deploy job of `stage`. */
  subject: string;
  /** The GitHub OIDC provider of the account. */
  providerArn: string;
  /** The SST app name: stack names are `<stage>-<app>-<Stack>`. */
  appName: string;
  /** The stage whose stacks the role creates, updates and deletes. */
  stage: string;
}

/**
 * The role one GitHub Actions job assumes through OIDC to run `sst deploy` of one stage: no stored AWS keys, and
 * nothing of another stage. Its rights are what SST 2.49 and CloudFormation ask of the caller, listed with their
 * sources in sst-deploy-calls.ts, and checked against that list by a real IAM evaluator (deploy-role.test.ts).
 */
export class GitHubDeployRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: GitHubDeployRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, "Role", {
      description: `sst deploy --stage ${props.stage} from GitHub Actions (${props.subject})`,
      assumedBy: new iam.WebIdentityPrincipal(props.providerArn, {
        StringEquals: { [`${GITHUB_ISSUER}:aud`]: STS_AUDIENCE, [`${GITHUB_ISSUER}:sub`]: props.subject },
      }),
      // A first prod deploy (Multi-AZ database, proxy, canary) outlasts the default hour of credentials.
      maxSessionDuration: Duration.hours(2),
      inlinePolicies: { SstDeploy: sstDeployPolicy(this, props) },
    });

    NagSuppressions.addResourceSuppressions(this.role, [
      {
        id: "AwsSolutions-IAM5",
        reason:
          "Each wildcard stands for a name part the role cannot know: CloudFormation's stack ids, the stage's stack " +
          "names (<stage>-<app>-*), the content hashes of the templates in the CDK assets bucket, the generated " +
          "suffix of SST's bootstrap bucket, the generated id of the stage's user pool (held to its stage tags); " +
          "cloudformation:ListImports has no resource-level permissions.",
        appliesTo: [
          { regex: `/^Resource::arn:<AWS::Partition>:cloudformation:[^:]+:[^:]+:stack\\/${props.stage}-${props.appName}-\\*\\/\\*$/` },
          { regex: "/^Resource::arn:<AWS::Partition>:cloudformation:[^:]+:[^:]+:stack\\/(CDKToolkit|SSTBootstrap)\\/\\*$/" },
          { regex: "/^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-[^/]+\\/\\*\\.json$/" },
          { regex: `/^Resource::arn:<AWS::Partition>:s3:::sstbootstrap-\\*\\/appMetadata\\/app\\.${props.appName}\\/stage\\.${props.stage}\\.json$/` },
          { regex: "/^Resource::arn:<AWS::Partition>:cognito-idp:[^:]+:[^:]+:userpool\\/\\*$/" },
          "Resource::*",
        ],
      },
    ]);
  }
}

/** CDK's own table of the rotation application per partition, as the Database stack's transform reads it; one per stack. */
function rotationApplications(stack: Stack): CfnMapping {
  const id = "RotationApplication";
  return (
    (stack.node.tryFindChild(id) as CfnMapping | undefined) ??
    new CfnMapping(stack, id, {
      mapping: Object.fromEntries(
        PARTITIONS.map((p) => [p, { arn: SecretRotationApplication.POSTGRES_ROTATION_SINGLE_USER.applicationArnForPartition(p) }]),
      ),
    })
  );
}

/** What `sst deploy --stage <stage>` needs of the caller (sst-deploy-calls.ts says where each comes from). */
function sstDeployPolicy(scope: Construct, props: GitHubDeployRoleProps): iam.PolicyDocument {
  const { account, region, partition } = Stack.of(scope);
  const cdkRole = (kind: string) => `arn:${partition}:iam::${account}:role/cdk-${CDK_QUALIFIER}-${kind}-role-${account}-${region}`;
  const cfnStack = (name: string) => `arn:${partition}:cloudformation:${region}:${account}:stack/${name}/*`;
  const rotation = rotationApplications(Stack.of(scope));

  return new iam.PolicyDocument({
    statements: [
      // Not the deploy role: it may change any stack of the account, prod's too. SST uses it only for two reads
      // (below), which toolkit-lib then makes with the caller's credentials.
      new iam.PolicyStatement({
        sid: "PublishAssetsAndLookUp",
        actions: ["sts:AssumeRole"],
        resources: ["file-publishing", "lookup"].map(cdkRole),
      }),
      new iam.PolicyStatement({
        sid: "PassCloudFormationExecutionRole",
        actions: ["iam:PassRole"],
        resources: [cdkRole("cfn-exec")],
        conditions: { StringEquals: { "iam:PassedToService": "cloudformation.amazonaws.com" } },
      }),
      new iam.PolicyStatement({
        sid: "DeployStageStacks",
        actions: [
          "cloudformation:CreateStack",
          "cloudformation:UpdateStack",
          "cloudformation:DeleteStack",
          "cloudformation:DescribeStacks",
          "cloudformation:DescribeStackEvents",
          "cloudformation:DescribeStackResources",
        ],
        resources: [cfnStack(`${props.stage}-${props.appName}-*`)],
      }),
      new iam.PolicyStatement({
        sid: "CheckBootstrap",
        actions: ["cloudformation:DescribeStacks"],
        resources: [cfnStack("CDKToolkit"), cfnStack("SSTBootstrap")],
      }),
      new iam.PolicyStatement({
        sid: "ResolveBootstrapVersion",
        actions: ["ssm:GetParameter", "ssm:GetParameters"],
        resources: [`arn:${partition}:ssm:${region}:${account}:parameter/cdk-bootstrap/${CDK_QUALIFIER}/version`],
      }),
      new iam.PolicyStatement({
        sid: "KeepExportsInUse",
        actions: ["cloudformation:ListImports"],
        resources: ["*"],
      }),
      new iam.PolicyStatement({
        sid: "ReadTemplatesFromCdkAssets",
        actions: ["s3:GetObject"],
        resources: [`arn:${partition}:s3:::cdk-${CDK_QUALIFIER}-assets-${account}-${region}/*.json`],
      }),
      new iam.PolicyStatement({
        sid: "ExpandServerlessTransform",
        actions: ["cloudformation:CreateChangeSet"],
        resources: [`arn:${partition}:cloudformation:${region}:aws:transform/${SERVERLESS_TRANSFORM}`],
      }),
      new iam.PolicyStatement({
        sid: "ReadRotationApplication",
        actions: ["serverlessrepo:CreateCloudFormationTemplate", "serverlessrepo:GetCloudFormationTemplate"],
        resources: [rotation.findInMap(partition, "arn")],
      }),
      // After the deploy, the smoke test reads the machine client's secret of the stage's own user pool, to write
      // with a token of it (scripts/smoke.ts); no secret is stored in GitHub. The pool's id is generated, so the
      // statement names any pool of the account and region and holds it to the tags SST puts on the stage's resources.
      new iam.PolicyStatement({
        sid: "SmokeTestReadsMachineClient",
        actions: ["cognito-idp:DescribeUserPoolClient"],
        resources: [`arn:${partition}:cognito-idp:${region}:${account}:userpool/*`],
        conditions: {
          StringEquals: { [`aws:ResourceTag/${STAGE_TAGS.app}`]: props.appName, [`aws:ResourceTag/${STAGE_TAGS.stage}`]: props.stage },
        },
      }),
      new iam.PolicyStatement({
        sid: "SstAppMetadata",
        actions: ["s3:GetObject", "s3:PutObject"],
        resources: [`arn:${partition}:s3:::sstbootstrap-*/appMetadata/app.${props.appName}/stage.${props.stage}.json`],
      }),
    ],
  });
}
