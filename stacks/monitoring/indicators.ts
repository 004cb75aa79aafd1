import type { Duration } from "aws-cdk-lib";
import type { IHttpStage } from "aws-cdk-lib/aws-apigatewayv2";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as synthetics from "aws-cdk-lib/aws-synthetics";
import type { Construct } from "constructs";
import { ACCESS_LOG_FIELDS } from "../api/access-log";
import type { Indicator } from "./slo";

const { SUM, SAMPLE_COUNT } = cloudwatch.Stats;

/** Where the access log's metric filter counts: one metric per stage, the stages sharing an account. */
const ACCESS_LOG_METRICS = "DataApi/AccessLog";

/**
 * Availability: a request API Gateway did not answer 5xx, and a probe run that passed. The probe's runs count
 * what no request shows: a stage nobody can reach (DNS, certificate, API Gateway) answers no request at all.
 */
export function availability(targetPercent: number, api: IHttpStage, probe: synthetics.Canary): Indicator {
  return {
    name: "availability",
    good: "Availability (requests not answered 5xx, and probe runs that passed)",
    targetPercent,
    bad: "FILL(errors, 0) + FILL(probeFailed, 0)",
    total: "FILL(requests, 0) + FILL(probeRuns, 0)",
    metrics: (period: Duration) => ({
      errors: api.metricServerError({ statistic: SUM, period }),
      requests: api.metricCount({ statistic: SUM, period }),
      probeFailed: probe.metricFailed({ statistic: SUM, period }),
      // One SuccessPercent sample per run, 0 or 100.
      probeRuns: probe.metricSuccessPercent({ statistic: SAMPLE_COUNT, period }),
    }),
  };
}

/**
 * Latency: a request API Gateway answered within `thresholdMs`. HTTP APIs publish latency only as statistics,
 * never as a count under a threshold, so a metric filter counts the access log lines whose `latencyMs`
 * ($context.responseLatency, the time API Gateway took, the function's included) reach the threshold.
 */
export function latency(
  scope: Construct,
  { targetPercent, thresholdMs, stage }: { targetPercent: number; thresholdMs: number; stage: string },
  api: IHttpStage,
  accessLogs: logs.ILogGroup,
): Indicator {
  const slow = new logs.MetricFilter(scope, "SlowRequests", {
    logGroup: accessLogs,
    filterPattern: logs.FilterPattern.numberValue(`$.${ACCESS_LOG_FIELDS.latencyMs}`, ">=", thresholdMs),
    metricNamespace: ACCESS_LOG_METRICS,
    metricName: `SlowRequests-${stage}`,
    metricValue: "1",
  });
  return {
    name: "latency",
    good: `Latency (requests answered within ${thresholdMs} ms)`,
    targetPercent,
    bad: "FILL(slow, 0)",
    total: "requests",
    metrics: (period: Duration) => ({
      slow: slow.metric({ statistic: SUM, period }),
      requests: api.metricCount({ statistic: SUM, period }),
    }),
  };
}
