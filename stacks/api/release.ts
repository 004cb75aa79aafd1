import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as codedeploy from "aws-cdk-lib/aws-codedeploy";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NagSuppressions } from "cdk-nag";
import type { Construct } from "constructs";
import type { StageConfig } from "../config";

type Strategy = NonNullable<StageConfig["deployStrategy"]>;

const TRAFFIC_SHIFT: Record<Strategy, codedeploy.ILambdaDeploymentConfig> = {
  canary: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  "all-at-once": codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
};

/**
 * The alias the API calls. `currentVersion` publishes a new version exactly when the function's code or settings
 * change, and the alias moving to it is what CodeDeploy turns into a deployment.
 */
export function liveAlias(fn: lambda.Function): lambda.Alias {
  return new lambda.Alias(fn, "Live", { aliasName: "live", version: fn.currentVersion });
}

/**
 * Lets CodeDeploy move `alias` to each new version; CloudFormation waits for the shift to end. A canary sends 10%
 * of requests to the new version for five minutes and moves the alias back if one of `rollbackAlarms` fires
 * meanwhile. All at once leaves alarms no time to judge the new version; worse, an alarm still firing for the
 * version being replaced would stop its fix. Either way a failed or stopped deployment rolls back.
 */
export function releaseThroughCodeDeploy(
  scope: Construct,
  { alias, strategy }: { alias: lambda.Alias; strategy: Strategy },
  rollbackAlarms: cloudwatch.IAlarm[],
) {
  const alarms = strategy === "canary" ? rollbackAlarms : [];
  const group = new codedeploy.LambdaDeploymentGroup(scope, "Release", {
    alias,
    deploymentConfig: TRAFFIC_SHIFT[strategy],
    alarms,
    autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: alarms.length > 0 },
  });
  NagSuppressions.addResourceSuppressions(
    group,
    [
      {
        id: "AwsSolutions-IAM4",
        reason: "AWS's managed CodeDeploy policy for Lambda (the Limited one) lets CodeDeploy move aliases, read alarms and run CodeDeployHook_ functions.",
        appliesTo: ["Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited"],
      },
    ],
    true,
  );
  return group;
}
