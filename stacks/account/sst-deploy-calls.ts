/**
 * Every AWS request `sst deploy --stage <stage>` (SST 2.49.8) makes with the caller's own credentials, and every
 * permission CloudFormation checks against the caller while it works, for the stacks of one synthesized stage.
 * Each entry names the line of SST, the CDK toolkit library it runs or the AWS rule it comes from; the deploy roles
 * of the Account stack are evaluated against this list (deploy-role.test.ts).
 *
 * Not the caller's, so not here: what CloudFormation does to create the resources, nested stacks, dynamic
 * references and `Fn::ImportValue` (all as the execution role, RoleARN); the custom resources, SST's `Script` among
 * them (their own Lambda roles); the CodeDeploy traffic shift the alias's UpdatePolicy waits for (CloudFormation
 * and CodeDeploy's own role: nothing in node_modules/sst calls CodeDeploy); asset uploads (the file-publishing
 * role); context lookups (the lookup role).
 */

/** CDK's default bootstrap qualifier, which SST uses unless sst.config.ts sets `cdk.qualifier`. */
export const CDK_QUALIFIER = "hnb659fds";
/** The transform of the Database stack, which the hosted secret rotations bring in. */
export const SERVERLESS_TRANSFORM = "Serverless-2016-10-31";

const SST = "node_modules/sst";
const TOOLKIT = "node_modules/@aws-cdk/toolkit-lib/lib/api";

export interface DeployEnvironment {
  account: string;
  region: string;
  partition: string;
  app: string;
  stage: string;
  /** The SSTBootstrap stack's bucket: CloudFormation names it `sstbootstrap-<generated>`. */
  sstBootstrapBucket: string;
}

/** A stack as the cloud assembly hands it to `sst deploy` (stacks/synth.ts). */
export interface StackToDeploy {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
  template: Record<string, any>;
  deployment: { templateUrl: string; executionRoleArn: string; lookupRoleArn?: string; publishingRoleArns: string[] };
}

export interface DeployCall {
  action: string;
  resource: string;
  /** Request context the permission is checked with. */
  context?: Record<string, string>;
  /** Where the request comes from. */
  source: string;
}

/** CDK's placeholders in the assembly (${AWS::AccountId}, …), as the toolkit replaces them. */
function placeholders(text: string, env: DeployEnvironment): string {
  return text
    .replaceAll("${AWS::AccountId}", env.account)
    .replaceAll("${AWS::Region}", env.region)
    .replaceAll("${AWS::Partition}", env.partition);
}

/**
 * A template value CloudFormation would compute without deploying anything: strings, the pseudo parameters of
 * `env`, Fn::Join and Fn::FindInMap of the template's Mappings.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
export function resolveValue(value: any, template: Record<string, any>, env: Pick<DeployEnvironment, "account" | "region" | "partition">): string {
  if (typeof value === "string") return value;
  const pseudo: Record<string, string> = { "AWS::Partition": env.partition, "AWS::AccountId": env.account, "AWS::Region": env.region };
  if (typeof value?.Ref === "string" && value.Ref in pseudo) return pseudo[value.Ref]!;
  const join = value?.["Fn::Join"];
  if (join) return join[1].map((part: unknown) => resolveValue(part, template, env)).join(join[0]);
  const findInMap = value?.["Fn::FindInMap"];
  if (findInMap) {
    const [map, first, second] = findInMap.map((part: unknown) => resolveValue(part, template, env));
    return template.Mappings[map][first][second];
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value)} offline`);
}

const cfnStack = (env: DeployEnvironment, name: string) => `arn:${env.partition}:cloudformation:${env.region}:${env.account}:stack/${name}/*`;

/** Requests made once per `sst deploy`, whatever the stacks. */
function perDeploy(env: DeployEnvironment, stacks: StackToDeploy[]): DeployCall[] {
  const metadata = `arn:${env.partition}:s3:::${env.sstBootstrapBucket}/appMetadata/app.${env.app}/stage.${env.stage}.json`;
  const lookupRoles = [...new Set(stacks.flatMap((stack) => stack.deployment.lookupRoleArn ?? []))];
  return [
    { action: "cloudformation:DescribeStacks", resource: cfnStack(env, "CDKToolkit"), source: `${SST}/bootstrap.js:63` },
    { action: "cloudformation:DescribeStacks", resource: cfnStack(env, "SSTBootstrap"), source: `${SST}/bootstrap.js:111` },
    { action: "s3:GetObject", resource: metadata, source: `${SST}/stacks/app-metadata.js:19` },
    { action: "s3:PutObject", resource: metadata, source: `${SST}/stacks/app-metadata.js:42 (from cli/commands/deploy.js:106)` },
    ...lookupRoles.map((role) => ({
      action: "sts:AssumeRole",
      resource: placeholders(role, env),
      source: `${SST}/stacks/synth.js:73 -> ${TOOLKIT}/aws-auth/sdk-provider.js:243 (availability zones, hosted zone)`,
    })),
    // toolkit-lib checks the bootstrap version through the deploy role, and with the caller's own credentials
    // when that role cannot be assumed (sdk-provider.js:111-123); the deploy roles are not given the deploy role.
    {
      action: "ssm:GetParameter",
      resource: `arn:${env.partition}:ssm:${env.region}:${env.account}:parameter/cdk-bootstrap/${CDK_QUALIFIER}/version`,
      source: `${TOOLKIT}/environment/environment-resources.js:133, via ${TOOLKIT}/aws-auth/sdk-provider.js:111-123`,
    },
    {
      action: "cloudformation:DescribeStacks",
      resource: cfnStack(env, "CDKToolkit"),
      source: `${TOOLKIT}/deployments/checks.js:39, via ${TOOLKIT}/aws-auth/sdk-provider.js:111-123`,
    },
  ];
}

/** Requests of `sst deploy` for one stack (node_modules/sst/stacks/deploy.js, deploy()), and what CloudFormation checks. */
function perStack(env: DeployEnvironment, stack: StackToDeploy): DeployCall[] {
  const self = cfnStack(env, stack.name);
  const deploy = `${SST}/stacks/deploy.js`;
  const templateObject = /^s3:\/\/([^/]+)\/(.+)$/.exec(placeholders(stack.deployment.templateUrl, env));
  if (!templateObject) throw new Error(`Unexpected template URL ${stack.deployment.templateUrl}`);
  const { template } = stack;
  const ssmParameters = Object.values<{ Type: string; Default: string }>(template.Parameters ?? {}).filter((parameter) =>
    parameter.Type.startsWith("AWS::SSM::Parameter::"),
  );
  const transforms: string[] = [template.Transform ?? []].flat();
  const applications = Object.values<{ Type: string; Properties: { Location: { ApplicationId: unknown } } }>(template.Resources).filter(
    (resource) => resource.Type === "AWS::Serverless::Application",
  );
  return [
    { action: "cloudformation:DescribeStacks", resource: self, source: `${deploy}:264` },
    ...stack.deployment.publishingRoleArns.map((role) => ({
      action: "sts:AssumeRole",
      resource: placeholders(role, env),
      source: `${deploy}:87 -> ${TOOLKIT}/deployments/asset-publishing.js:100`,
    })),
    { action: "cloudformation:DeleteStack", resource: self, source: `${deploy}:88-91, 296 (a stack left in ROLLBACK_COMPLETE or ROLLBACK_FAILED)` },
    { action: "cloudformation:CreateStack", resource: self, source: `${deploy}:285` },
    { action: "cloudformation:UpdateStack", resource: self, source: `${deploy}:290` },
    {
      action: "iam:PassRole",
      resource: placeholders(stack.deployment.executionRoleArn, env),
      context: { "iam:PassedToService": "cloudformation.amazonaws.com" },
      source: `${deploy}:245 (RoleARN of CreateStack/UpdateStack)`,
    },
    {
      action: "s3:GetObject",
      resource: `arn:${env.partition}:s3:::${templateObject[1]}/${templateObject[2]}`,
      source: `${deploy}:236-244: CloudFormation reads TemplateURL with the caller's credentials`,
    },
    ...ssmParameters.map((parameter) => ({
      action: "ssm:GetParameters",
      resource: `arn:${env.partition}:ssm:${env.region}:${env.account}:parameter${parameter.Default}`,
      source: `${deploy}:248 (Parameters: []): CloudFormation resolves the SSM-typed parameter as the caller (aws-cdk#20959)`,
    })),
    ...transforms.map((transform) => ({
      action: "cloudformation:CreateChangeSet",
      resource: `arn:${env.partition}:cloudformation:${env.region}:aws:transform/${transform.replace(/^AWS::/, "")}`,
      source: `${deploy}:252 (CAPABILITY_AUTO_EXPAND): CloudFormation expands ${transform} as the caller (IAM guide, "Controlling access with IAM")`,
    })),
    ...applications.flatMap((application) =>
      ["serverlessrepo:CreateCloudFormationTemplate", "serverlessrepo:GetCloudFormationTemplate"].map((action) => ({
        action,
        resource: resolveValue(application.Properties.Location.ApplicationId, template, env),
        source: "the Serverless transform fetches each AWS::Serverless::Application as the caller (aws-cdk#13385)",
      })),
    ),
    ...["DescribeStacks", "DescribeStackResources", "DescribeStackEvents"].map((call) => ({
      action: `cloudformation:${call}`,
      resource: self,
      source: `${SST}/stacks/monitor.js:60-70`,
    })),
    { action: "cloudformation:ListImports", resource: "*", source: `${deploy}:175, 329 (an export the new template drops)` },
  ];
}

/** What `sst deploy` of these stacks asks of the caller, in the order it asks. */
export function sstDeployCalls(env: DeployEnvironment, stacks: StackToDeploy[]): DeployCall[] {
  return [...perDeploy(env, stacks), ...stacks.flatMap((stack) => perStack(env, stack))];
}

/** The tags SST gives every resource of a stage (node_modules/sst/constructs/App.js:261-262), which IAM can match. */
export const STAGE_TAGS = { app: "sst:app", stage: "sst:stage" } as const;

/** The id Cognito would give a user pool: generated, so any will do. */
export const EXAMPLE_USER_POOL_ID = "eu-west-1_Example1";

/**
 * What the smoke test after the deploy (scripts/smoke.ts, the deploy job's next step) asks with the same
 * credentials: the machine client's secret of each user pool the stage deploys, checked by IAM against the tags
 * CloudFormation gives the pool (its template's UserPoolTags).
 */
export function smokeTestCalls(env: DeployEnvironment, stacks: StackToDeploy[]): DeployCall[] {
  return stacks.flatMap((stack) =>
    Object.values<{ Type: string; Properties: { UserPoolTags?: Record<string, string> } }>(stack.template.Resources)
      .filter((resource) => resource.Type === "AWS::Cognito::UserPool")
      .map((pool) => ({
        action: "cognito-idp:DescribeUserPoolClient",
        resource: `arn:${env.partition}:cognito-idp:${env.region}:${env.account}:userpool/${EXAMPLE_USER_POOL_ID.replace(/^[^_]+/, env.region)}`,
        context: Object.fromEntries(Object.entries(pool.Properties.UserPoolTags ?? {}).map(([key, value]) => [`aws:ResourceTag/${key}`, value])),
        source: "scripts/smoke.ts machineClientSecret (DescribeUserPoolClient), after sst deploy in .github/actions/sst-deploy",
      })),
  );
}
