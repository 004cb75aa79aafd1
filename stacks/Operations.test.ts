import { beforeAll, describe, expect, it } from "vitest";
import { PLACEHOLDER, SAVED_QUERIES } from "./monitoring/queries";
import { synthesized, type Synthesized } from "./testing";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
type Resource = { Type: string; Properties: any };

/** What stacks/config.ts gives each watched stage, as the design documents and the README state it. */
const EXPECTED = {
  staging: { url: "https://api.staging.example.com", artifactDays: 14 },
  prod: { url: "https://api.example.com", artifactDays: 90 },
} as const;
const OBJECTIVES = { availability: 99.9, latency: 99 } as const;
const LATENCY_THRESHOLD_MS = 100;
/** The SRE workbook's alerts: [speed, long window, short window (s), burn factor]. */
const ALERTS = [
  ["fast", 3600, 300, 14.4],
  ["slow", 21600, 1800, 6],
] as const;

const stages: Record<string, Synthesized> = {};
beforeAll(async () => {
  for (const stage of ["local", ...Object.keys(EXPECTED)]) stages[stage] = await synthesized(stage);
});

const operations = (stage: string) => stages[stage]!.template("Operations");
function resources(stage: string, type: string): [string, Resource][] {
  return Object.entries(operations(stage).findResources(type)) as [string, Resource][];
}
function one(stage: string, type: string): [string, Resource] {
  const found = resources(stage, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
}
function alarm(stage: string, name: string): Resource["Properties"] {
  const found = [...resources(stage, "AWS::CloudWatch::Alarm"), ...resources(stage, "AWS::CloudWatch::CompositeAlarm")].find(
    ([, resource]) => resource.Properties.AlarmName === `${stage}-data-api-${name}`,
  );
  if (!found) throw new Error(`${stage} has no alarm ${name}`);
  return found[1].Properties;
}
/** What a token stands for once imported from another stack, else the token. */
const resolve = (stage: string, value: unknown) => {
  const name = (value as { "Fn::ImportValue"?: string })["Fn::ImportValue"];
  return name ? stages[stage]!.exported(name) : value;
};

/**
 * Evaluates an alarm's metric math on `values` per metric id: FILL(m, 0) stands for m, which every id has here.
 * Expressions are CloudWatch's arithmetic, which JavaScript's agrees with.
 */
function evaluate(expression: string, values: Record<string, number>): number {
  const arithmetic = expression.replace(/FILL\((\w+), 0\)/g, "$1");
  expect(arithmetic).toMatch(/^[\w\s.()+\-*/]+$/);
  return new Function(...Object.keys(values), `return ${arithmetic};`)(...Object.values(values)) as number;
}

describe.each(Object.entries(EXPECTED))("the %s outside probe", (stage, expected) => {
  it("runs the bundled probe every minute on the newest Node.js Synthetics runtime, outside the VPC", () => {
    const [, canary] = one(stage, "AWS::Synthetics::Canary");
    expect(canary.Properties).toMatchObject({
      Name: `${stage}-data-api-probe`,
      RuntimeVersion: "syn-nodejs-puppeteer-11.0",
      Code: { Handler: "probe.handler" },
      Schedule: { Expression: "rate(1 minute)" },
      StartCanaryAfterCreation: true,
    });
    expect(canary.Properties.VPCConfig).toBeUndefined();
    // Each check may take twice its budget; the run ends before the next minute's.
    expect(canary.Properties.RunConfig.TimeoutInSeconds).toBeLessThan(60);
  });

  it("calls the stage's public custom domain, with the latency budget of the stage's config", () => {
    const [, canary] = one(stage, "AWS::Synthetics::Canary");
    expect(canary.Properties.RunConfig.EnvironmentVariables).toEqual({ PROBE_URL: expected.url, PROBE_LATENCY_MS: "2000" });
    // The same name the API's custom domain serves.
    const domains = Object.values(stages[stage]!.template("Api").findResources("AWS::ApiGatewayV2::DomainName")) as Resource[];
    expect(domains.map((domain) => `https://${domain.Properties.DomainName}`)).toEqual([expected.url]);
  });

  it("keeps its artifacts encrypted in a private bucket of its own, over TLS only, for the stage's log retention", () => {
    const [bucketId, bucket] = one(stage, "AWS::S3::Bucket");
    const [, canary] = one(stage, "AWS::Synthetics::Canary");
    expect(canary.Properties.ArtifactS3Location).toEqual({ "Fn::Join": ["", ["s3://", { Ref: bucketId }]] });
    expect(canary.Properties.ArtifactConfig).toEqual({ S3Encryption: { EncryptionMode: "SSE_S3" } });
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: expected.artifactDays, Status: "Enabled" }] },
    });
    expect(canary.Properties).toMatchObject({ SuccessRetentionPeriod: expected.artifactDays, FailureRetentionPeriod: expected.artifactDays });
    const [, policy] = one(stage, "AWS::S3::BucketPolicy");
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Action: "s3:*", Principal: { AWS: "*" }, Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
  });
});

describe.each(Object.keys(EXPECTED))("the %s objectives' burn-rate alarms", (stage) => {
  const apiId = () => ({ stack: "Api", value: { Ref: Object.keys(stages[stage]!.template("Api").findResources("AWS::ApiGatewayV2::Api"))[0] } });
  const canaryId = () => one(stage, "AWS::Synthetics::Canary")[0];

  /** The alarm's returned expression, and each metric it reads: [namespace, name, statistic, period, dimensions]. */
  function mathOf(props: Resource["Properties"]) {
    const returned = props.Metrics.filter((query: { ReturnData: boolean }) => query.ReturnData);
    expect(returned).toHaveLength(1);
    const metrics = Object.fromEntries(
      props.Metrics.filter((query: { MetricStat?: unknown }) => query.MetricStat).map(
        ({ Id, MetricStat: { Metric, Stat, Period } }: { Id: string; MetricStat: { Metric: Resource["Properties"]; Stat: string; Period: number } }) => [
          Id,
          [
            Metric.Namespace,
            Metric.MetricName,
            Stat,
            Period,
            Object.fromEntries((Metric.Dimensions ?? []).map(({ Name, Value }: { Name: string; Value: unknown }) => [Name, resolve(stage, Value)])),
          ],
        ],
      ),
    );
    return { expression: returned[0].Expression as string, metrics };
  }

  describe.each(Object.entries(OBJECTIVES))("%s, at %s%", (objective, target) => {
    const budget = 1 - target / 100;

    it.each(ALERTS)("%s burn: both windows above the factor, %ss and %ss, burning %s times the budget", (speed, long, short, factor) => {
      const section = `slo-${objective}-${speed}-burn`;
      const windows = [long, short].map((seconds) => `${section}-${seconds % 3600 === 0 ? `${seconds / 3600}h` : `${seconds / 60}m`}`);
      for (const [index, name] of windows.entries()) {
        const props = alarm(stage, name);
        expect(props).toMatchObject({
          ComparisonOperator: "GreaterThanThreshold",
          Threshold: factor,
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          TreatMissingData: "notBreaching",
        });
        const { expression, metrics } = mathOf(props);
        const period = [long, short][index];
        for (const [, , , metricPeriod] of Object.values(metrics) as [string, string, string, number][]) expect(metricPeriod).toBe(period);
        // The burn rate divides the error ratio by the budget the target leaves.
        const divisor = Number(/\/ ([\d.]+)$/.exec(expression)?.[1]);
        expect(divisor).toBeCloseTo(budget, 12);
        if (objective === "availability") {
          expect(metrics).toEqual({
            errors: ["AWS/ApiGateway", "5xx", "Sum", period, { ApiId: apiId(), Stage: "$default" }],
            requests: ["AWS/ApiGateway", "Count", "Sum", period, { ApiId: apiId(), Stage: "$default" }],
            probeFailed: ["CloudWatchSynthetics", "Failed", "Sum", period, { CanaryName: { Ref: canaryId() } }],
            probeRuns: ["CloudWatchSynthetics", "SuccessPercent", "SampleCount", period, { CanaryName: { Ref: canaryId() } }],
          });
          // One bad event in a thousand (a 5xx, or a failed probe run) spends the budget of 99.9% exactly as fast as allowed.
          expect(evaluate(expression, { errors: 3, requests: 2_998, probeFailed: 0, probeRuns: 2 })).toBeCloseTo((3 / 3_000) / budget, 9);
          expect(evaluate(expression, { errors: 0, requests: 40, probeFailed: 6, probeRuns: 60 })).toBeCloseTo((6 / 100) / budget, 9);
        } else {
          expect(metrics).toEqual({
            slow: ["DataApi/AccessLog", `SlowRequests-${stage}`, "Sum", period, {}],
            requests: ["AWS/ApiGateway", "Count", "Sum", period, { ApiId: apiId(), Stage: "$default" }],
          });
          expect(evaluate(expression, { slow: 5, requests: 1_000 })).toBeCloseTo((5 / 1_000) / budget, 9);
        }
        expect(props.AlarmDescription).toContain(`more than ${factor} times`);
      }

      const composite = alarm(stage, section);
      const ids = windows.map((name) => resources(stage, "AWS::CloudWatch::Alarm").find(([, r]) => r.Properties.AlarmName === `${stage}-data-api-${name}`)![0]);
      expect(composite.AlarmRule).toEqual({
        "Fn::Join": ["", ['(ALARM("', { "Fn::GetAtt": [ids[0], "Arn"] }, '") AND ALARM("', { "Fn::GetAtt": [ids[1], "Arn"] }, '"))']],
      });
      expect(composite.AlarmDescription).toMatch(speed === "fast" ? /^Page: / : /^Ticket: /);
      expect(composite.AlarmDescription).toContain(`the objective is ${target}% over 30 days`);
    });
  });

  it("counts a request as slow from the access log's latency, at the threshold the stage config names", () => {
    const [, filter] = one(stage, "AWS::Logs::MetricFilter");
    expect(filter.Properties).toEqual({
      FilterPattern: `{ $.latencyMs >= ${LATENCY_THRESHOLD_MS} }`,
      LogGroupName: filter.Properties.LogGroupName,
      MetricTransformations: [{ MetricName: `SlowRequests-${stage}`, MetricNamespace: "DataApi/AccessLog", MetricValue: "1" }],
    });
    expect(resolve(stage, filter.Properties.LogGroupName)).toEqual({ stack: "Api", value: { Ref: expect.stringMatching(/^AccessLogs/) } });
  });
});

describe.each(Object.keys(EXPECTED))("the %s saved queries", (stage) => {
  it("are saved under the stage's name, each on the log groups it reads", () => {
    const definitions = resources(stage, "AWS::Logs::QueryDefinition").map(([, resource]) => resource.Properties);
    expect(definitions.map((definition) => definition.Name)).toEqual(SAVED_QUERIES.map((query) => `${stage}-data-api-queries/${query.name}`));
    const groups = { function: /^ApiFunctionLogs/, access: /^AccessLogs/ };
    for (const [index, definition] of definitions.entries()) {
      const expected = SAVED_QUERIES[index]!.logs.map((log) => ({ stack: "Api", value: { Ref: expect.stringMatching(groups[log]) } }));
      expect(definition.LogGroupNames.map((name: unknown) => resolve(stage, name)), definition.Name).toEqual(expected);
    }
  });

  it("are the six questions the issue asks, the correlation id one on both logs with a placeholder to replace", () => {
    expect(SAVED_QUERIES.map((query) => query.name)).toEqual([
      "errors-by-route",
      "slowest-requests",
      "request-by-correlation-id",
      "cold-starts-per-hour",
      "4xx-by-message",
      "writes-by-caller",
    ]);
    const byId = resources(stage, "AWS::Logs::QueryDefinition").find(([, r]) => r.Properties.Name.endsWith("/request-by-correlation-id"))!;
    expect(byId[1].Properties.QueryString).toContain(`correlation_id = "${PLACEHOLDER}"`);
    expect(byId[1].Properties.QueryString).toContain(`requestId = "${PLACEHOLDER}"`);
  });
});

describe("the local stage", () => {
  it("has no probe, no objectives and no saved queries", () => {
    expect(stages.local!.has("Operations")).toBe(false);
    for (const { template } of stages.local!.stacks) {
      const types = Object.values(template.Resources as Record<string, Resource>).map((resource) => resource.Type);
      expect(types).not.toContain("AWS::Synthetics::Canary");
      expect(types).not.toContain("AWS::Logs::QueryDefinition");
      expect(types).not.toContain("AWS::CloudWatch::CompositeAlarm");
    }
  });
});
