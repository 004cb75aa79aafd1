import { Duration, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import { NagSuppressions } from "cdk-nag";
import { Construct } from "constructs";

const GITHUB_ISSUER = "token.actions.githubusercontent.com";
const STS_AUDIENCE = "sts.amazonaws.com";
/** CDK's default bootstrap qualifier, which SST uses unless sst.config.ts sets `cdk.qualifier`. */
const CDK_QUALIFIER = "hnb659fds";

export interface GitHubDeployRoleProps {
  /** `owner/name` of the repository whose workflows may assume the role. */
  repository: string;
  /** The GitHub environment of the prod deploy job. */
  productionEnvironment: string;
  /** The SST app name: stack names are `<stage>-<app>-<Stack>`. */
  appName: string;
  /** Stages whose stacks the role may create, update and delete. */
  stages: readonly string[];
  /** Reuse the account's GitHub OIDC provider instead of creating one. */
  oidcProviderArn?: string;
}

/**
 * The role GitHub Actions assumes through OIDC to run `sst deploy`: no stored AWS keys, and only pushes to main
 * (staging) and jobs of the production environment (prod) get it.
 */
export class GitHubDeployRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: GitHubDeployRoleProps) {
    super(scope, id);
    const providerArn = props.oidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, "Provider", props.oidcProviderArn).oidcProviderArn
      : new iam.OidcProviderNative(this, "Provider", { url: `https://${GITHUB_ISSUER}`, clientIds: [STS_AUDIENCE] })
          .oidcProviderArn;

    this.role = new iam.Role(this, "Role", {
      description: `sst deploy from GitHub Actions of ${props.repository}`,
      assumedBy: new iam.WebIdentityPrincipal(providerArn, {
        StringEquals: { [`${GITHUB_ISSUER}:aud`]: STS_AUDIENCE, [`${GITHUB_ISSUER}:sub`]: deploySubjects(props) },
      }),
      // A first prod deploy (Multi-AZ database, proxy, canary) outlasts the default hour of credentials.
      maxSessionDuration: Duration.hours(2),
      inlinePolicies: { SstDeploy: sstDeployPolicy(Stack.of(this), props) },
    });

    NagSuppressions.addResourceSuppressions(this.role, [
      {
        id: "AwsSolutions-IAM5",
        reason:
          "Each wildcard stands for a name part the role cannot know: the stacks of the deployed stages " +
          "(<stage>-<app>-*) and CloudFormation's stack ids, the template objects of the CDK assets bucket, the " +
          "CloudFormation-generated suffix of SST's bootstrap bucket; cloudformation:ListImports has no resource-level " +
          "permissions, hence its Resource '*'.",
        appliesTo: [
          { regex: `/^Resource::arn:<AWS::Partition>:cloudformation:[^:]+:[^:]+:stack\\/(${props.stages.join("|")})-${props.appName}-\\*\\/\\*$/` },
          { regex: "/^Resource::arn:<AWS::Partition>:cloudformation:[^:]+:[^:]+:stack\\/(CDKToolkit|SSTBootstrap)\\/\\*$/" },
          { regex: "/^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-[^/]+\\/\\*$/" },
          { regex: `/^Resource::arn:<AWS::Partition>:s3:::sstbootstrap-\\*\\/appMetadata\\/app\\.${props.appName}\\/stage\\.[a-z0-9-]+\\.json$/` },
          "Resource::*",
        ],
      },
    ]);
  }
}

/**
 * The `sub` claims GitHub issues to the two deploy jobs. A job that names an environment gets
 * `environment:<name>` instead of its ref, so prod is bound to the approval-gated environment (which accepts only
 * version tags), and staging to main.
 */
export function deploySubjects({
  repository,
  productionEnvironment,
}: Pick<GitHubDeployRoleProps, "repository" | "productionEnvironment">): string[] {
  return [`repo:${repository}:ref:refs/heads/main`, `repo:${repository}:environment:${productionEnvironment}`];
}

/**
 * What `sst deploy` (SST 2.49) does with the caller's own credentials; everything else it does through the CDK
 * bootstrap roles. Read from sst's stacks/deploy.js, bootstrap.js and app-metadata.js.
 */
function sstDeployPolicy(stack: Stack, props: GitHubDeployRoleProps): iam.PolicyDocument {
  const { account, region, partition } = stack;
  const qualifier = CDK_QUALIFIER;
  const cdkRole = (kind: string) => `arn:${partition}:iam::${account}:role/cdk-${qualifier}-${kind}-role-${account}-${region}`;
  const cfnStack = (name: string) => `arn:${partition}:cloudformation:${region}:${account}:stack/${name}/*`;
  const sstBootstrapObject = (key: string) => `arn:${partition}:s3:::sstbootstrap-*/${key}`;

  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: "AssumeCdkBootstrapRoles",
        actions: ["sts:AssumeRole"],
        resources: ["deploy", "file-publishing", "image-publishing", "lookup"].map(cdkRole),
      }),
      new iam.PolicyStatement({
        sid: "PassCloudFormationExecutionRole",
        actions: ["iam:PassRole"],
        resources: [cdkRole("cfn-exec")],
        conditions: { StringEquals: { "iam:PassedToService": "cloudformation.amazonaws.com" } },
      }),
      new iam.PolicyStatement({
        sid: "DeployAppStacks",
        actions: [
          "cloudformation:CreateStack",
          "cloudformation:UpdateStack",
          "cloudformation:DeleteStack",
          "cloudformation:DescribeStacks",
          "cloudformation:DescribeStackEvents",
          "cloudformation:DescribeStackResources",
          "cloudformation:GetTemplate",
        ],
        resources: props.stages.map((stage) => cfnStack(`${stage}-${props.appName}-*`)),
      }),
      new iam.PolicyStatement({
        sid: "ReadBootstrapStacks",
        actions: ["cloudformation:DescribeStacks"],
        resources: [cfnStack("CDKToolkit"), cfnStack("SSTBootstrap")],
      }),
      new iam.PolicyStatement({
        sid: "KeepExportsInUse",
        actions: ["cloudformation:ListImports"],
        resources: ["*"],
      }),
      // CloudFormation fetches the template URL of CreateStack/UpdateStack with the caller's credentials.
      new iam.PolicyStatement({
        sid: "ReadTemplatesFromCdkAssets",
        actions: ["s3:GetObject"],
        resources: [`arn:${partition}:s3:::cdk-${qualifier}-assets-${account}-${region}/*`],
      }),
      new iam.PolicyStatement({
        sid: "SstAppMetadata",
        actions: ["s3:GetObject", "s3:PutObject"],
        resources: props.stages.map((stage) => sstBootstrapObject(`appMetadata/app.${props.appName}/stage.${stage}.json`)),
      }),
    ],
  });
}
