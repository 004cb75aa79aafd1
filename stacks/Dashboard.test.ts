import { beforeAll, describe, expect, it } from "vitest";
import { synthesized, type Synthesized } from "./testing";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
type Json = any;

interface Widget {
  type: string;
  width: number;
  properties: {
    view?: string;
    start?: string;
    setPeriodToTimeRange?: boolean;
    title?: string;
    markdown?: string;
    metrics?: unknown[][];
    alarms?: unknown[];
    annotations?: { horizontal: { value: number }[] };
  };
}
interface PlottedMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, unknown>;
  stat: string;
}

const WATCHED = ["staging", "prod"] as const;
const stages: Record<string, Synthesized> = {};
beforeAll(async () => {
  for (const stage of ["local", ...WATCHED]) stages[stage] = await synthesized(stage);
});

/**
 * The dashboard's widgets. CloudFormation gets the body as a Fn::Join of JSON text and the tokens CloudFormation
 * fills in (imported ids, the region), each inside a JSON string: they come back here as those token objects.
 */
function widgets(stage: string): Widget[] {
  const dashboards = Object.values(stages[stage]!.template("Dashboard").findResources("AWS::CloudWatch::Dashboard")) as Json[];
  expect(dashboards).toHaveLength(1);
  const [separator, parts] = dashboards[0].Properties.DashboardBody["Fn::Join"] as [string, unknown[]];
  const tokens: unknown[] = [];
  const text = parts.map((part) => (typeof part === "string" ? part : `@token${tokens.push(part) - 1}@`)).join(separator);
  const body = JSON.parse(text, (_key, value) => {
    const token = typeof value === "string" && /^@token(\d+)@$/.exec(value);
    return token ? tokens[Number(token[1])] : value;
  });
  return body.widgets;
}

/** A widget of metric math: its first entry is the expression, the others the metrics it reads, hidden. */
const isMath = (widget: Widget) => typeof widget.properties.metrics?.[0]?.[0] === "object";

function graphs(stage: string): Map<string, PlottedMetric[]> {
  const metricWidgets = widgets(stage).filter((widget) => widget.type === "metric" && !isMath(widget));
  return new Map(
    metricWidgets.map((widget) => [
      widget.properties.title!,
      widget.properties.metrics!.map((entry) => {
        // [namespace, name, dimension, value, ..., { stat, label }]
        const [namespace, name, ...rest] = entry as [string, string, ...unknown[]];
        const options = rest.pop() as { stat?: string };
        const pairs = Array.from({ length: rest.length / 2 }, (_, i) => [rest[2 * i] as string, rest[2 * i + 1]]);
        // CDK leaves out CloudWatch's default statistic.
        return { namespace, name, dimensions: Object.fromEntries(pairs), stat: options.stat ?? "Average" };
      }),
    ]),
  );
}

const EXPECTED_GRAPHS: Record<string, [namespace: string, metric: string, stat: string][]> = {
  "Probe: runs passed (%)": [["CloudWatchSynthetics", "SuccessPercent", "Average"]],
  "Probe: run duration (ms)": [
    ["CloudWatchSynthetics", "Duration", "Average"],
    ["CloudWatchSynthetics", "Duration", "Maximum"],
  ],
  Requests: [["AWS/ApiGateway", "Count", "Sum"]],
  "4xx and 5xx": [
    ["AWS/ApiGateway", "4xx", "Sum"],
    ["AWS/ApiGateway", "5xx", "Sum"],
  ],
  "Latency (ms)": [
    ["AWS/ApiGateway", "Latency", "p50"],
    ["AWS/ApiGateway", "Latency", "p90"],
    ["AWS/ApiGateway", "Latency", "p99"],
  ],
  "Integration latency (ms)": [["AWS/ApiGateway", "IntegrationLatency", "p99"]],
  "Invocations, errors, throttles": [
    ["AWS/Lambda", "Invocations", "Sum"],
    ["AWS/Lambda", "Errors", "Sum"],
    ["AWS/Lambda", "Throttles", "Sum"],
  ],
  "Duration (ms)": [["AWS/Lambda", "Duration", "p99"]],
  "Concurrent executions": [["AWS/Lambda", "ConcurrentExecutions", "Maximum"]],
  "Cold starts": [["DataApi", "ColdStart", "Sum"]],
  "Proxy connections": [
    ["AWS/RDS", "ClientConnections", "Sum"],
    ["AWS/RDS", "DatabaseConnections", "Sum"],
    ["AWS/RDS", "MaxDatabaseConnectionsAllowed", "Sum"],
  ],
  "Query latency at the database (µs)": [["AWS/RDS", "QueryDatabaseResponseLatency", "Average"]],
  "Connection borrow latency (µs)": [["AWS/RDS", "DatabaseConnectionsBorrowLatency", "Average"]],
  "Session-pinned connections": [["AWS/RDS", "DatabaseConnectionsCurrentlySessionPinned", "Maximum"]],
  "CPU (%)": [["AWS/RDS", "CPUUtilization", "Average"]],
  "Free storage (bytes)": [["AWS/RDS", "FreeStorageSpace", "Minimum"]],
  Connections: [["AWS/RDS", "DatabaseConnections", "Maximum"]],
  "Records created and deleted": [
    ["DataApi", "DataCreated", "Sum"],
    ["DataApi", "DataDeleted", "Sum"],
  ],
  "Refused and failed": [
    ["DataApi", "DuplicateRejected", "Sum"],
    ["DataApi", "ValidationRejected", "Sum"],
    ["DataApi", "DatabaseErrors", "Sum"],
  ],
};

describe.each(WATCHED)("the %s dashboard", (stage) => {
  /** The logical id of the one resource of `type` (with `props`) in the stack. */
  const only = (stack: string, type: string, props?: object) => {
    const ids = Object.keys(stages[stage]!.template(stack).findResources(type, props));
    expect(ids, `${type} in ${stack}`).toHaveLength(1);
    return ids[0]!;
  };
  /** What a token of the dashboard body stands for, once imported from another stack. */
  const resolve = (value: unknown) => {
    const name = (value as { "Fn::ImportValue"?: string })["Fn::ImportValue"];
    return name ? stages[stage]!.exported(name) : value;
  };

  it("plots these graphs, each with these metrics and statistics", () => {
    const plotted = Object.fromEntries(
      [...graphs(stage)].map(([title, metrics]) => [title, metrics.map(({ namespace, name, stat }) => [namespace, name, stat])]),
    );
    expect(plotted).toEqual(EXPECTED_GRAPHS);
  });

  it("plots the stage's own API, function, proxy, instance and EMF metrics", () => {
    const apiFunction = only("Api", "AWS::Lambda::Function", { Properties: { Handler: "packages/functions/src/api.handler" } });
    const expectedDimensions = (metric: PlottedMetric) => {
      if (metric.namespace === "AWS/ApiGateway") return { ApiId: { stack: "Api", value: { Ref: only("Api", "AWS::ApiGatewayV2::Api") } }, Stage: "$default" };
      if (metric.namespace === "AWS/Lambda") return { FunctionName: { stack: "Api", value: { Ref: apiFunction } } };
      if (metric.namespace === "DataApi") return { service: "data-api", stage };
      if (metric.namespace === "CloudWatchSynthetics") return { CanaryName: { stack: "Operations", value: { Ref: only("Operations", "AWS::Synthetics::Canary") } } };
      if (metric.dimensions.ProxyName) return { ProxyName: { stack: "Database", value: { Ref: only("Database", "AWS::RDS::DBProxy") } } };
      return { DBInstanceIdentifier: { stack: "Database", value: { Ref: only("Database", "AWS::RDS::DBInstance") } } };
    };
    for (const [title, metrics] of graphs(stage)) {
      for (const metric of metrics) {
        const dimensions = Object.fromEntries(Object.entries(metric.dimensions).map(([name, value]) => [name, resolve(value)]));
        expect(dimensions, `${title}: ${metric.name}`).toEqual(expectedDimensions(metric));
      }
    }
  });

  it("lists every alarm of the stage at the top", () => {
    const alarmWidgets = widgets(stage).filter((widget) => widget.type === "alarm");
    expect(alarmWidgets).toHaveLength(1);
    expect(widgets(stage).indexOf(alarmWidgets[0]!)).toBeLessThan(2);
    const listed = alarmWidgets[0]!.properties.alarms!.map(resolve);
    // The objectives' composite alarms first (their window alarms only feed them), then every other alarm.
    const ofType = (stack: string, type: string) =>
      Object.keys(stages[stage]!.template(stack).findResources(type)).map((id) => ({ stack, value: { "Fn::GetAtt": [id, "Arn"] } }));
    const alarms = [
      ...ofType("Operations", "AWS::CloudWatch::CompositeAlarm"),
      ...ofType("Api", "AWS::CloudWatch::Alarm"),
      ...ofType("Database", "AWS::CloudWatch::Alarm"),
    ];
    expect(alarms).toHaveLength(4 + 4 + 5);
    expect(listed).toEqual(alarms);
  });

  it("marks the alarm thresholds on the latency, CPU and free storage graphs", () => {
    const thresholds = (title: string) =>
      widgets(stage)
        .find((widget) => widget.properties.title === title)!
        .properties.annotations?.horizontal.map((annotation) => annotation.value);
    expect(thresholds("Latency (ms)")).toEqual([2000]);
    expect(thresholds("CPU (%)")).toEqual([80]);
    expect(thresholds("Free storage (bytes)")).toEqual([(stage === "prod" ? 5 : 2) * 1024 ** 3]);
  });

  it("shows each objective over the last 30 days, its error budget left, and its burn rate against the alerts' factors", () => {
    const math = widgets(stage).filter(isMath);
    const expressionOf = (widget: Widget) => (widget.properties.metrics![0]![0] as { expression: string }).expression;
    const budgets = { Availability: 0.001, Latency: 0.01 };
    expect(math.map((widget) => widget.properties.title)).toEqual(
      Object.entries({ Availability: 99.9, Latency: 99 }).flatMap(([name, target]) => [
        `${name}: good, last 30 days (%; objective ${target})`,
        `${name}: error budget left, last 30 days (%)`,
        `${name}: burn rate (1 h)`,
      ]),
    );
    for (const [index, name] of (["Availability", "Latency"] as const).entries()) {
      const [good, left, burn] = math.slice(3 * index, 3 * index + 3) as [Widget, Widget, Widget];
      const ratio = name === "Availability" ? "(FILL(errors, 0) + FILL(probeFailed, 0)) / (FILL(requests, 0) + FILL(probeRuns, 0))" : "(FILL(slow, 0)) / (requests)";
      expect(expressionOf(good)).toBe(`100 * (1 - ${ratio})`);
      expect(expressionOf(left)).toBe(`100 * (1 - ${ratio} / ${budgets[name]})`);
      expect(expressionOf(burn)).toBe(`${ratio} / ${budgets[name]}`);
      for (const single of [good, left]) {
        expect(single.properties).toMatchObject({ view: "singleValue", start: "-P30D", setPeriodToTimeRange: true });
      }
      expect(burn.properties.annotations?.horizontal.map((line) => line.value)).toEqual([14.4, 6]);
    }
  });

  it("points readers to the runbook", () => {
    expect(widgets(stage)[0]!.properties.markdown).toContain("docs/runbook.md");
  });

  it("outputs its console URL", () => {
    const outputs = stages[stage]!.template("Dashboard").findOutputs("DashboardUrl");
    expect(outputs.DashboardUrl!.Value).toBe(
      `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/${stage}-data-api`,
    );
    stages[stage]!.template("Dashboard").hasResourceProperties("AWS::CloudWatch::Dashboard", { DashboardName: `${stage}-data-api` });
  });
});

describe("the local stage", () => {
  it("has no dashboard", () => {
    expect(stages.local!.stacks.map((stack) => stack.id)).toEqual(["Api", "Web"]);
  });
});
