import { readFileSync } from "node:fs";
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

/** Every alarm of the stage, composite alarms too, by name, with the stack that holds it. */
function alarmsOf(stage: string): Map<string, { stack: string; props: Resource["Properties"] }> {
  const alarms = new Map<string, { stack: string; props: Resource["Properties"] }>();
  for (const { id } of stages[stage]!.stacks) {
    for (const type of ["AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"]) {
      for (const alarm of Object.values(stages[stage]!.template(id).findResources(type)) as Resource[]) {
        alarms.set(alarm.Properties.AlarmName, { stack: id, props: alarm.Properties });
      }
    }
  }
  return alarms;
}

function alarm(stage: string, name: string) {
  const found = alarmsOf(stage).get(`${stage}-data-api-${name}`);
  if (!found) throw new Error(`${stage} has no alarm ${name}`);
  return found;
}

const dimensionList = (dimensions: Record<string, unknown>) => Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value }));

/** An alarm on one metric, in the form CloudFormation writes it. */
const single = (namespace: string, metricName: string, dimensions: Record<string, unknown>, stat: string, period: number) => ({
  Namespace: namespace,
  MetricName: metricName,
  Dimensions: dimensionList(dimensions),
  ...(stat.startsWith("p") ? { ExtendedStatistic: stat } : { Statistic: stat }),
  Period: period,
});

/** An alarm on `expression` over metrics that each have an id, a namespace, a name and a period in seconds. */
const math = (expression: string, metrics: Record<string, [namespace: string, metricName: string, period: number]>, dimensions: Record<string, unknown>) => ({
  Metrics: [
    { Id: "expr_1", Expression: expression, ReturnData: true },
    ...Object.entries(metrics).map(([Id, [Namespace, MetricName, Period]]) => ({
      Id,
      MetricStat: { Metric: { Namespace, MetricName, Dimensions: dimensionList(dimensions) }, Stat: "Sum", Period },
      ReturnData: false,
    })),
  ],
});

const COMPARISONS = { ">": "GreaterThanThreshold", ">=": "GreaterThanOrEqualToThreshold", "<": "LessThanThreshold" } as const;

/** Fires when `datapoints` of the last `periods` periods compare to `threshold` that way; what missing data counts as. */
const rule = (comparison: keyof typeof COMPARISONS, threshold: number, datapoints: number, periods: number, missing: string) => ({
  ComparisonOperator: COMPARISONS[comparison],
  Threshold: threshold,
  DatapointsToAlarm: datapoints,
  EvaluationPeriods: periods,
  TreatMissingData: missing,
});

const ALARMS = {
  "api-5xx-rate": "more than the stage's share of requests answered 5xx, in 2 of 3 minutes",
  "api-p99-latency": "p99 above 2 s for 15 minutes",
  "function-errors": "failed invocations through the live alias in 2 of 3 minutes",
  "function-throttles": "any throttled invocation of the live alias in 5 minutes",
  "db-cpu": "average CPU above 80% for 15 minutes; silence counts as down",
  "db-free-storage": "less free storage than the stage allows for 10 minutes; silence counts as down",
  "proxy-connections": "the proxy holds more than 80% of the connections it may open, for 5 minutes",
  "proxy-pinned-connections": "any connection pinned to a client, summed over the proxy's hosts, for 5 minutes",
  "proxy-query-latency": "the database's average answer to the proxy above 50 ms (in µs), for 15 minutes",
};

/** The objectives' alarms (slo.test.ts checks their metric math): a window alarm of each alert's two windows, and their composite. */
const OBJECTIVE_ALARMS = ["availability", "latency"].flatMap((objective) =>
  [
    ["fast", "1h", "5m"],
    ["slow", "6h", "30m"],
  ].flatMap(([speed, ...windows]) => [`slo-${objective}-${speed}-burn`, ...windows.map((window) => `slo-${objective}-${speed}-burn-${window}`)]),
);
/** A window alarm of an objective: part of a composite, which notifies for it. */
const WINDOW = /^(slo-.+-burn)-\d+[mh]$/;

describe.each(WATCHED)("the %s alarms", (stage) => {
  const thresholds = THRESHOLDS[stage];

  /** What each alarm watches and when it fires, in the stage's own resources. */
  function expected(): Record<keyof typeof ALARMS, object> {
    const apiId = { Ref: only(stage, "Api", "AWS::ApiGatewayV2::Api") };
    const functionName = {
      Ref: only(stage, "Api", "AWS::Lambda::Function", { Properties: { Handler: "packages/functions/src/api.handler" } }),
    };
    const alias = { FunctionName: functionName, Resource: { "Fn::Join": ["", [functionName, ":live"]] } };
    const instance = { DBInstanceIdentifier: { Ref: only(stage, "Database", "AWS::RDS::DBInstance") } };
    const proxy = { ProxyName: { Ref: only(stage, "Database", "AWS::RDS::DBProxy") } };
    const api = { ApiId: apiId, Stage: "$default" };
    return {
      "api-5xx-rate": {
        ...math("100 * errors / requests", { errors: ["AWS/ApiGateway", "5xx", 60], requests: ["AWS/ApiGateway", "Count", 60] }, api),
        ...rule(">", thresholds.serverErrorPercent, 2, 3, "notBreaching"),
      },
      "api-p99-latency": { ...single("AWS/ApiGateway", "Latency", api, "p99", 300), ...rule(">", 2000, 3, 3, "notBreaching") },
      "function-errors": { ...single("AWS/Lambda", "Errors", alias, "Sum", 60), ...rule(">=", 1, 2, 3, "notBreaching") },
      "function-throttles": { ...single("AWS/Lambda", "Throttles", alias, "Sum", 300), ...rule(">=", 1, 1, 1, "notBreaching") },
      "db-cpu": { ...single("AWS/RDS", "CPUUtilization", instance, "Average", 300), ...rule(">", 80, 3, 3, "breaching") },
      "db-free-storage": {
        ...single("AWS/RDS", "FreeStorageSpace", instance, "Minimum", 300),
        ...rule("<", thresholds.freeStorageGiB * 1024 ** 3, 2, 2, "breaching"),
      },
      "proxy-connections": {
        ...math(
          "100 * connections / allowed",
          { connections: ["AWS/RDS", "DatabaseConnections", 60], allowed: ["AWS/RDS", "MaxDatabaseConnectionsAllowed", 60] },
          proxy,
        ),
        ...rule(">", 80, 5, 5, "notBreaching"),
      },
      "proxy-pinned-connections": {
        ...single("AWS/RDS", "DatabaseConnectionsCurrentlySessionPinned", proxy, "Sum", 60),
        ...rule(">", 0, 5, 5, "notBreaching"),
      },
      "proxy-query-latency": {
        ...single("AWS/RDS", "QueryDatabaseResponseLatency", proxy, "Average", 300),
        ...rule(">", 50_000, 3, 3, "notBreaching"),
      },
    };
  }

  it("are these, each in the stack of what it watches", () => {
    const stacks = Object.fromEntries([...alarmsOf(stage)].map(([name, { stack }]) => [name.slice(`${stage}-data-api-`.length), stack]));
    expect(stacks).toEqual({
      "api-5xx-rate": "Api",
      "api-p99-latency": "Api",
      "function-errors": "Api",
      "function-throttles": "Api",
      "db-cpu": "Database",
      "db-free-storage": "Database",
      "proxy-connections": "Database",
      "proxy-pinned-connections": "Database",
      "proxy-query-latency": "Database",
      ...Object.fromEntries(OBJECTIVE_ALARMS.map((name) => [name, "Operations"])),
    });
  });

  it.each(Object.entries(ALARMS))("%s: %s", (name) => {
    expect(alarm(stage, name).props).toMatchObject(expected()[name as keyof typeof ALARMS]);
  });

  it("notify the stage's alert topic when they fire and when they clear, but for the objectives' window alarms", () => {
    const topicId = only(stage, "Alerts", "AWS::SNS::Topic");
    for (const [name, { props }] of alarmsOf(stage)) {
      if (WINDOW.test(name.slice(`${stage}-data-api-`.length))) {
        expect(props.AlarmActions ?? [], name).toEqual([]);
        expect(props.OKActions ?? [], name).toEqual([]);
        continue;
      }
      expect(props.AlarmActions, name).toHaveLength(1);
      expect(props.OKActions).toEqual(props.AlarmActions);
      expect(stages[stage]!.exported(props.AlarmActions[0]["Fn::ImportValue"])).toEqual({ stack: "Alerts", value: { Ref: topicId } });
    }
  });

  it("point to their section of the runbook, which exists", () => {
    const sections = readFileSync("docs/runbook.md", "utf8").match(/^### .+$/gm);
    for (const [name, { props }] of alarmsOf(stage)) {
      // A window alarm points to the section of the composite alarm it is part of.
      const own = name.slice(`${stage}-data-api-`.length);
      const section = WINDOW.exec(own)?.[1] ?? own;
      expect(props.AlarmDescription).toMatch(new RegExp(`\\. What to do: docs/runbook\\.md#${section}$`));
      expect(sections).toContain(`### ${section}`);
    }
  });
});

/** The alarms this runbook gives the first three commands of: those that came with the objectives and the proxy's health. */
const WITH_COMMANDS = ["proxy-pinned-connections", "proxy-query-latency", ...OBJECTIVE_ALARMS.filter((name) => !WINDOW.test(name))];

describe("the runbook's first three commands", () => {
  const runbook = () => readFileSync("docs/runbook.md", "utf8");
  const section = (name: string) => {
    const start = runbook().indexOf(`\n### ${name}\n`);
    expect(start, name).toBeGreaterThan(0);
    const rest = runbook().slice(start + 1);
    return rest.slice(0, rest.indexOf("\n#", 1));
  };
  /** Every name prod's templates give a resource a responder can ask about by name. */
  const prodNames = () => {
    const names = new Set<string>();
    for (const { name, template } of stages.prod!.stacks) {
      names.add(name);
      for (const resource of Object.values(template.Resources as Record<string, Resource>)) {
        const props = resource.Properties ?? {};
        for (const value of [props.AlarmName, props.Name, props.DBProxyName, props.DBInstanceIdentifier, props.DashboardName]) {
          if (typeof value === "string") names.add(value.split("/")[0]!);
        }
      }
    }
    return names;
  };

  it.each(WITH_COMMANDS)("%s: three aws CLI commands, naming only prod's real resources", (name) => {
    const block = /\*\*First three commands\*\*:\n```sh\n([\s\S]*?)\n```/.exec(section(name));
    expect(block, `${name} has no "First three commands" block`).not.toBeNull();
    const commands = block![1]!.split("\n");
    expect(commands).toHaveLength(3);
    const known = prodNames();
    for (const command of commands) {
      expect(command).toMatch(/^aws [a-z0-9-]+ [a-z0-9-]+ /);
      const named = command.match(/prod-data-api-[A-Za-z0-9-]+/g) ?? [];
      expect(named.length, command).toBeGreaterThan(0);
      for (const resource of named) expect(known, `${resource} in: ${command}`).toContain(resource);
    }
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
  it("a stage with alarms does not synthesize: they would tell nobody", async () => {
    const { DATA_API_ALARM_EMAIL: _, ...env } = SYNTH_ENV;
    await expect(synthesizeStage("staging", env)).rejects.toThrow(/set DATA_API_ALARM_EMAIL/);
  });
});

describe("the local stage", () => {
  it("has no alarm and no alert topic", () => {
    expect(alarmsOf("local").size).toBe(0);
    expect(stages.local!.has("Alerts")).toBe(false);
  });
});
