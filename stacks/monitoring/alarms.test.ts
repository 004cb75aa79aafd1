import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { SYNTH_ENV, synthesizeStage } from "../synth";
import { synthesized, type Synthesized } from "../testing";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
type Resource = { Type: string; Properties: any };

const WATCHED = ["staging", "prod"] as const;
const THRESHOLDS = {
  staging: { serverErrorPercent: 5, freeStorageGiB: 2 },
  prod: { serverErrorPercent: 1, freeStorageGiB: 5 },
} as const;

const stages: Record<string, Synthesized> = {};
beforeAll(async () => {
  for (const stage of ["local", ...WATCHED]) stages[stage] = await synthesized(stage);
});

/** The logical id of the one resource of `type` (with `props`) in the stack. */
function only(stage: string, stack: string, type: string, props?: object): string {
  const ids = Object.keys(stages[stage]!.template(stack).findResources(type, props));
  expect(ids, `${type} in ${stage} ${stack}`).toHaveLength(1);
  return ids[0]!;
}

/** Every alarm of the stage, by name, with the stack that holds it. */
function alarmsOf(stage: string): Map<string, { stack: string; props: Resource["Properties"] }> {
  const alarms = new Map<string, { stack: string; props: Resource["Properties"] }>();
  for (const { id } of stages[stage]!.stacks) {
    for (const alarm of Object.values(stages[stage]!.template(id).findResources("AWS::CloudWatch::Alarm")) as Resource[]) {
      alarms.set(alarm.Properties.AlarmName, { stack: id, props: alarm.Properties });
    }
  }
  return alarms;
}

function alarm(stage: string, name: string) {
  const found = alarmsOf(stage).get(`${stage}-data-api-${name}`);
  if (!found) throw new Error(`${stage} has no alarm ${name}`);
  return found;
}

/** A metric of a metric-math alarm, in the form CloudFormation writes it. */
const stat = (namespace: string, metricName: string, dimensions: Record<string, unknown>, statName: string, period: number) => ({
  MetricStat: {
    Metric: { Namespace: namespace, MetricName: metricName, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) },
    Stat: statName,
    Period: period,
  },
  ReturnData: false,
});

describe.each(WATCHED)("the %s alarms", (stage) => {
  const thresholds = THRESHOLDS[stage];
  const apiId = () => ({ Ref: only(stage, "Api", "AWS::ApiGatewayV2::Api") });
  const functionName = () => ({
    Ref: only(stage, "Api", "AWS::Lambda::Function", { Properties: { Handler: "packages/functions/src/api.handler" } }),
  });
  const aliasResource = () => ({ "Fn::Join": ["", [functionName(), ":live"]] });
  const instance = () => ({ Ref: only(stage, "Database", "AWS::RDS::DBInstance") });
  const proxy = () => ({ Ref: only(stage, "Database", "AWS::RDS::DBProxy") });

  it("are these seven, each in the stack of what it watches", () => {
    const stacks = Object.fromEntries([...alarmsOf(stage)].map(([name, { stack }]) => [name.slice(`${stage}-data-api-`.length), stack]));
    expect(stacks).toEqual({
      "api-5xx-rate": "Api",
      "api-p99-latency": "Api",
      "function-errors": "Api",
      "function-throttles": "Api",
      "db-cpu": "Database",
      "db-free-storage": "Database",
      "proxy-connections": "Database",
    });
  });

  it("notify the stage's alert topic when they fire and when they clear", () => {
    const topicId = only(stage, "Alerts", "AWS::SNS::Topic");
    for (const { props } of alarmsOf(stage).values()) {
      expect(props.AlarmActions).toHaveLength(1);
      expect(props.OKActions).toEqual(props.AlarmActions);
      expect(stages[stage]!.exported(props.AlarmActions[0]["Fn::ImportValue"])).toEqual({ stack: "Alerts", value: { Ref: topicId } });
    }
  });

  it("point to their section of the runbook", () => {
    for (const [name, { props }] of alarmsOf(stage)) {
      expect(props.AlarmDescription).toMatch(new RegExp(`\\. What to do: docs/runbook\\.md#${name.slice(`${stage}-data-api-`.length)}$`));
    }
  });

  it(`api-5xx-rate: more than ${thresholds.serverErrorPercent}% of requests answered 5xx, in 2 of 3 minutes`, () => {
    const { props } = alarm(stage, "api-5xx-rate");
    const dimensions = { ApiId: apiId(), Stage: "$default" };
    expect(props).toMatchObject({
      Metrics: [
        { Id: "expr_1", Expression: "100 * errors / requests", ReturnData: true },
        { Id: "errors", ...stat("AWS/ApiGateway", "5xx", dimensions, "Sum", 60) },
        { Id: "requests", ...stat("AWS/ApiGateway", "Count", dimensions, "Sum", 60) },
      ],
      Threshold: thresholds.serverErrorPercent,
      ComparisonOperator: "GreaterThanThreshold",
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: "notBreaching",
    });
  });

  it("api-p99-latency: p99 above 2 s for 15 minutes", () => {
    expect(alarm(stage, "api-p99-latency").props).toMatchObject({
      Namespace: "AWS/ApiGateway",
      MetricName: "Latency",
      Dimensions: [
        { Name: "ApiId", Value: apiId() },
        { Name: "Stage", Value: "$default" },
      ],
      ExtendedStatistic: "p99",
      Period: 300,
      Threshold: 2000,
      ComparisonOperator: "GreaterThanThreshold",
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: "notBreaching",
    });
  });

  it("function-errors: failed invocations through the live alias in 2 of 3 minutes", () => {
    expect(alarm(stage, "function-errors").props).toMatchObject({
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [
        { Name: "FunctionName", Value: functionName() },
        { Name: "Resource", Value: aliasResource() },
      ],
      Statistic: "Sum",
      Period: 60,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: "notBreaching",
    });
  });

  it("function-throttles: any throttled invocation of the live alias in 5 minutes", () => {
    expect(alarm(stage, "function-throttles").props).toMatchObject({
      Namespace: "AWS/Lambda",
      MetricName: "Throttles",
      Dimensions: [
        { Name: "FunctionName", Value: functionName() },
        { Name: "Resource", Value: aliasResource() },
      ],
      Statistic: "Sum",
      Period: 300,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: "notBreaching",
    });
  });

  it("db-cpu: average CPU above 80% for 15 minutes; silence counts as down", () => {
    expect(alarm(stage, "db-cpu").props).toMatchObject({
      Namespace: "AWS/RDS",
      MetricName: "CPUUtilization",
      Dimensions: [{ Name: "DBInstanceIdentifier", Value: instance() }],
      Statistic: "Average",
      Period: 300,
      Threshold: 80,
      ComparisonOperator: "GreaterThanThreshold",
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: "breaching",
    });
  });

  it(`db-free-storage: less than ${thresholds.freeStorageGiB} GiB free for 10 minutes; silence counts as down`, () => {
    expect(alarm(stage, "db-free-storage").props).toMatchObject({
      Namespace: "AWS/RDS",
      MetricName: "FreeStorageSpace",
      Dimensions: [{ Name: "DBInstanceIdentifier", Value: instance() }],
      Statistic: "Minimum",
      Period: 300,
      Threshold: thresholds.freeStorageGiB * 1024 ** 3,
      ComparisonOperator: "LessThanThreshold",
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: "breaching",
    });
  });

  it("proxy-connections: the proxy holds more than 80% of the connections it may open, for 5 minutes", () => {
    const dimensions = { ProxyName: proxy() };
    expect(alarm(stage, "proxy-connections").props).toMatchObject({
      Metrics: [
        { Id: "expr_1", Expression: "100 * connections / allowed", ReturnData: true },
        { Id: "connections", ...stat("AWS/RDS", "DatabaseConnections", dimensions, "Sum", 60) },
        { Id: "allowed", ...stat("AWS/RDS", "MaxDatabaseConnectionsAllowed", dimensions, "Sum", 60) },
      ],
      Threshold: 80,
      ComparisonOperator: "GreaterThanThreshold",
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      TreatMissingData: "notBreaching",
    });
  });
});

describe.each(WATCHED)("the %s alert topic", (stage) => {
  const alerts = () => stages[stage]!.template("Alerts");

  it("is encrypted with its own rotated key, which CloudWatch alarms of this account may use", () => {
    const keyId = only(stage, "Alerts", "AWS::KMS::Key");
    alerts().hasResourceProperties("AWS::KMS::Key", {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: Match.anyValue() },
          }),
        ]),
      },
    });
    alerts().hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: { "Fn::GetAtt": [keyId, "Arn"] } });
  });

  it("takes publications over TLS only, and from this account's CloudWatch alarms", () => {
    const topic = { Ref: only(stage, "Alerts", "AWS::SNS::Topic") };
    alerts().hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [topic],
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: "Deny", Principal: "*", Action: "sns:Publish", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topic,
            Condition: {
              StringEquals: { "aws:SourceAccount": "123456789012" },
              ArnLike: { "aws:SourceArn": { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":cloudwatch:eu-west-1:123456789012:alarm:*"]] } },
            },
          }),
        ],
      },
    });
  });

  it("e-mails DATA_API_ALARM_EMAIL", () => {
    alerts().resourceCountIs("AWS::SNS::Subscription", 1);
    alerts().hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: SYNTH_ENV.DATA_API_ALARM_EMAIL,
      TopicArn: { Ref: only(stage, "Alerts", "AWS::SNS::Topic") },
    });
  });
});

describe("without DATA_API_ALARM_EMAIL", () => {
  it("the topic is there for the alarms, with no subscriber", async () => {
    const { DATA_API_ALARM_EMAIL: _, ...env } = SYNTH_ENV;
    const staging = await synthesizeStage("staging", env);
    const resources = Object.values<Resource>(staging.stacks.find((stack) => stack.id === "Alerts")!.template.Resources);
    expect(resources.filter((resource) => resource.Type === "AWS::SNS::Topic")).toHaveLength(1);
    expect(resources.filter((resource) => resource.Type === "AWS::SNS::Subscription")).toEqual([]);
  });
});

describe("the local stage", () => {
  it("has no alarm and no alert topic", () => {
    expect(alarmsOf("local").size).toBe(0);
    expect(stages.local!.has("Alerts")).toBe(false);
  });
});
