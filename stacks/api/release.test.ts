import type { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { synthesized, type Synthesized } from "../testing";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
type Resource = { Type: string; Properties: any; DeletionPolicy?: string; UpdatePolicy?: any };

const stages: Record<string, Synthesized> = {};
beforeAll(async () => {
  for (const stage of ["local", "staging", "prod"]) stages[stage] = await synthesized(stage);
});
const api = (stage: string): Template => stages[stage]!.template("Api");

function only(stage: string, type: string, props?: object): [string, Resource] {
  const found = Object.entries(api(stage).findResources(type, props)) as [string, Resource][];
  expect(found, `${type} in ${stage}`).toHaveLength(1);
  return found[0]!;
}
const apiFunctionId = (stage: string) =>
  only(stage, "AWS::Lambda::Function", { Properties: { Handler: "packages/functions/src/api.handler" } })[0];

describe.each(["staging", "prod"])("the %s release", (stage) => {
  it("publishes a version of the function, kept after the alias moves on, and points the live alias at it", () => {
    const [versionId, version] = only(stage, "AWS::Lambda::Version");
    expect(version.Properties.FunctionName).toEqual({ Ref: apiFunctionId(stage) });
    expect(version.DeletionPolicy).toBe("RetainExceptOnCreate");
    const [, alias] = only(stage, "AWS::Lambda::Alias");
    expect(alias.Properties).toEqual({
      Name: "live",
      FunctionName: { Ref: apiFunctionId(stage) },
      FunctionVersion: { "Fn::GetAtt": [versionId, "Version"] },
    });
  });

  it("routes the API (every route: $default and the signed-in writes) to the live alias, and lets API Gateway invoke only the alias", () => {
    const [aliasId] = only(stage, "AWS::Lambda::Alias");
    const integrations = Object.values(api(stage).findResources("AWS::ApiGatewayV2::Integration")) as Resource[];
    expect(integrations).toHaveLength(3);
    for (const integration of integrations) {
      expect(integration.Properties).toMatchObject({ IntegrationType: "AWS_PROXY", IntegrationUri: { Ref: aliasId } });
    }
    const permissions = Object.values(api(stage).findResources("AWS::Lambda::Permission", { Properties: { Principal: "apigateway.amazonaws.com" } })) as Resource[];
    expect(permissions).toHaveLength(3);
    for (const permission of permissions) expect(permission.Properties.FunctionName).toEqual({ Ref: aliasId });
  });

  it("has CodeDeploy move the alias, and CloudFormation wait for it", () => {
    const [applicationId] = only(stage, "AWS::CodeDeploy::Application", { Properties: { ComputePlatform: "Lambda" } });
    const [groupId, group] = only(stage, "AWS::CodeDeploy::DeploymentGroup");
    expect(group.Properties).toMatchObject({
      ApplicationName: { Ref: applicationId },
      DeploymentStyle: { DeploymentType: "BLUE_GREEN", DeploymentOption: "WITH_TRAFFIC_CONTROL" },
    });
    const [, alias] = only(stage, "AWS::Lambda::Alias");
    expect(alias.UpdatePolicy).toEqual({
      CodeDeployLambdaAliasUpdate: { ApplicationName: { Ref: applicationId }, DeploymentGroupName: { Ref: groupId } },
    });
  });

  it("outputs the names an operator needs to move the alias or stop a deployment by hand", () => {
    const [applicationId] = only(stage, "AWS::CodeDeploy::Application");
    const [groupId] = only(stage, "AWS::CodeDeploy::DeploymentGroup");
    const outputs = api(stage).findOutputs("*");
    expect(outputs.ApiFunctionName!.Value).toEqual({ Ref: apiFunctionId(stage) });
    expect(outputs.CodeDeployApplication!.Value).toEqual({ Ref: applicationId });
    expect(outputs.CodeDeployDeploymentGroup!.Value).toEqual({ Ref: groupId });
  });

  it("gives CodeDeploy AWS's limited role for Lambda deployments", () => {
    const [, group] = only(stage, "AWS::CodeDeploy::DeploymentGroup");
    const role: Resource = api(stage).toJSON().Resources[group.Properties.ServiceRoleArn["Fn::GetAtt"][0]];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: "Allow", Principal: { Service: "codedeploy.amazonaws.com" }, Action: "sts:AssumeRole" }),
    ]);
    expect(role.Properties.ManagedPolicyArns).toEqual([
      { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited"]] },
    ]);
  });
});

describe("the prod release", () => {
  it("sends 10% of requests to a new version for 5 minutes, and rolls back when the 5xx-rate or function-errors alarm fires", () => {
    const [, group] = only("prod", "AWS::CodeDeploy::DeploymentGroup");
    const alarmRef = (name: string) => ({
      Ref: only("prod", "AWS::CloudWatch::Alarm", { Properties: { AlarmName: `prod-data-api-${name}` } })[0],
    });
    expect(group.Properties).toMatchObject({
      DeploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
      AlarmConfiguration: { Enabled: true, Alarms: [{ Name: alarmRef("api-5xx-rate") }, { Name: alarmRef("function-errors") }] },
      AutoRollbackConfiguration: { Enabled: true, Events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST", "DEPLOYMENT_STOP_ON_ALARM"] },
    });
    expect(group.Properties.AlarmConfiguration.IgnorePollAlarmFailure).not.toBe(true);
  });
});

describe("the staging release", () => {
  it("moves all requests at once, rolls back a failed or stopped deployment, and leaves alarms out of it", () => {
    const [, group] = only("staging", "AWS::CodeDeploy::DeploymentGroup");
    expect(group.Properties).toMatchObject({
      DeploymentConfigName: "CodeDeployDefault.LambdaAllAtOnce",
      AutoRollbackConfiguration: { Enabled: true, Events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_REQUEST"] },
    });
    expect(group.Properties.AlarmConfiguration).toBeUndefined();
  });
});

describe("the local release", () => {
  it("has no version, alias or deployment group: the API calls the function that `sst dev` replaces", () => {
    for (const type of ["AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::CodeDeploy::Application", "AWS::CodeDeploy::DeploymentGroup"]) {
      api("local").resourceCountIs(type, 0);
    }
    const [, integration] = only("local", "AWS::ApiGatewayV2::Integration");
    expect(integration.Properties.IntegrationUri).toEqual({ "Fn::GetAtt": [apiFunctionId("local"), "Arn"] });
    expect(Object.keys(api("local").findOutputs("*"))).not.toContain("CodeDeployApplication");
  });
});
