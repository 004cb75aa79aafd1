import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as rds from "aws-cdk-lib/aws-rds";
import { METRICS_NAMESPACE, SERVICE } from "../../packages/functions/src/observability/names";

/** Where the function's EMF metrics land (packages/functions/src/observability/names.ts, shared with the function). */
export const APP_METRICS = { namespace: METRICS_NAMESPACE, service: SERVICE } as const;

export { BUSINESS_METRICS } from "../../packages/functions/src/observability/names";

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
