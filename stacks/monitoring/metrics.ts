import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as rds from "aws-cdk-lib/aws-rds";

/**
 * Where the function's EMF metrics land: Powertools Metrics in packages/functions/src/observability/telemetry.ts
 * writes this namespace with these dimensions. Keep both sides the same.
 */
export const APP_METRICS = { namespace: "DataApi", service: "data-api" } as const;

/** The function's business metrics, each a count of requests that ended that way. */
export const BUSINESS_METRICS = ["DataCreated", "DataDeleted", "DuplicateRejected", "ValidationRejected", "DatabaseErrors"] as const;

export const ONE_MINUTE = Duration.minutes(1);
export const FIVE_MINUTES = Duration.minutes(5);

/** A count the function wrote for `stage` (a business metric, or `ColdStart`). */
export function appMetric(stage: string, metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: APP_METRICS.namespace,
    metricName,
    dimensionsMap: { service: APP_METRICS.service, stage },
    statistic: cloudwatch.Stats.SUM,
    period: FIVE_MINUTES,
  });
}

/**
 * An RDS Proxy metric over all of the proxy's endpoints and targets. The proxy runs on several hosts that each
 * report their share: `Sum` adds them up (AWS's advice for every count it publishes).
 */
export function proxyMetric(proxy: rds.IDatabaseProxy, metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: "AWS/RDS",
    metricName,
    dimensionsMap: { ProxyName: proxy.dbProxyName },
    statistic: cloudwatch.Stats.SUM,
    period: ONE_MINUTE,
    ...props,
  });
}
