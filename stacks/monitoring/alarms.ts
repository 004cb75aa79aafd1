import type { IHttpStage } from "aws-cdk-lib/aws-apigatewayv2";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as rds from "aws-cdk-lib/aws-rds";
import type * as sns from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import type { App } from "sst/constructs";
import type { StageConfig } from "../config";
import { FIVE_MINUTES, ONE_MINUTE, proxyMetric } from "./metrics";

/** Where a stage's alarms go, and when they go there. */
export interface Watch {
  app: App;
  topic: sns.ITopic;
  thresholds: NonNullable<StageConfig["monitoring"]>;
}

const { GREATER_THAN_THRESHOLD, GREATER_THAN_OR_EQUAL_TO_THRESHOLD, LESS_THAN_THRESHOLD } = cloudwatch.ComparisonOperator;
// Traffic metrics go silent when nobody calls: quiet is not a fault. The database reports every minute while it
// runs: silence means it is down or unreachable.
const { NOT_BREACHING, BREACHING } = cloudwatch.TreatMissingData;

interface AlarmSpec {
  /** After "<stage>-data-api-": the alarm's name, and its heading in docs/runbook.md. */
  name: string;
  /** What firing means, in one sentence. */
  meaning: string;
  metric: cloudwatch.IMetric;
  threshold: number;
  comparisonOperator: cloudwatch.ComparisonOperator;
  /** Fires when `datapointsToAlarm` of the last `evaluationPeriods` periods breach. */
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: cloudwatch.TreatMissingData;
}

/** An alarm that tells the stage's topic when it fires and when it clears. */
function raise(scope: Construct, { app, topic }: Watch, { name, meaning, ...spec }: AlarmSpec): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, `Alarm-${name}`, {
    ...spec,
    alarmName: app.logicalPrefixedName(name),
    alarmDescription: `${meaning} What to do: docs/runbook.md#${name}`,
  });
  const notify = new SnsAction(topic);
  alarm.addAlarmAction(notify);
  alarm.addOkAction(notify);
  return alarm;
}

/**
 * The API's alarms. `serverErrors` and `functionErrors` judge a new version during a canary; `target` is what the
 * API calls (the `live` alias where there is one), so they see exactly the traffic being shifted.
 */
export function apiAlarms(scope: Construct, watch: Watch, { stage, target }: { stage: IHttpStage; target: lambda.IFunction }) {
  const { thresholds } = watch;
  return {
    serverErrors: raise(scope, watch, {
      name: "api-5xx-rate",
      meaning: `More than ${thresholds.apiServerErrorPercent}% of API requests answered 5xx in 2 of the last 3 minutes.`,
      metric: new cloudwatch.MathExpression({
        expression: "100 * errors / requests",
        usingMetrics: {
          errors: stage.metricServerError({ statistic: cloudwatch.Stats.SUM, period: ONE_MINUTE }),
          requests: stage.metricCount({ statistic: cloudwatch.Stats.SUM, period: ONE_MINUTE }),
        },
        label: "5xx (% of requests)",
        period: ONE_MINUTE,
      }),
      threshold: thresholds.apiServerErrorPercent,
      comparisonOperator: GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: NOT_BREACHING,
    }),
    latency: raise(scope, watch, {
      name: "api-p99-latency",
      meaning: `The API's p99 latency stayed above ${thresholds.apiP99LatencyMs} ms for 15 minutes.`,
      metric: stage.metricLatency({ statistic: cloudwatch.Stats.p(99), period: FIVE_MINUTES }),
      threshold: thresholds.apiP99LatencyMs,
      comparisonOperator: GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: NOT_BREACHING,
    }),
    functionErrors: raise(scope, watch, {
      name: "function-errors",
      meaning: "The API function failed invocations (crash, timeout, out of memory) in 2 of the last 3 minutes.",
      metric: target.metricErrors({ statistic: cloudwatch.Stats.SUM, period: ONE_MINUTE }),
      threshold: 1,
      comparisonOperator: GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: NOT_BREACHING,
    }),
    throttles: raise(scope, watch, {
      name: "function-throttles",
      meaning: "Lambda refused to run the API function for lack of concurrency in the last 5 minutes.",
      metric: target.metricThrottles({ statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES }),
      threshold: 1,
      comparisonOperator: GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: NOT_BREACHING,
    }),
  };
}

const GIB = 1024 ** 3;

/** The database's alarms: the instance's CPU and disk, and how full the proxy's pool of database connections is. */
export function databaseAlarms(
  scope: Construct,
  watch: Watch,
  { instance, proxy }: { instance: rds.IDatabaseInstance; proxy: rds.IDatabaseProxy },
) {
  const { thresholds } = watch;
  return {
    cpu: raise(scope, watch, {
      name: "db-cpu",
      meaning: `The database's CPU stayed above ${thresholds.databaseCpuPercent}% for 15 minutes.`,
      metric: instance.metricCPUUtilization({ statistic: cloudwatch.Stats.AVERAGE, period: FIVE_MINUTES }),
      threshold: thresholds.databaseCpuPercent,
      comparisonOperator: GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: BREACHING,
    }),
    freeStorage: raise(scope, watch, {
      name: "db-free-storage",
      meaning: `The database has less than ${thresholds.databaseFreeStorageGiB} GiB of free storage.`,
      metric: instance.metricFreeStorageSpace({ statistic: cloudwatch.Stats.MINIMUM, period: FIVE_MINUTES }),
      threshold: thresholds.databaseFreeStorageGiB * GIB,
      comparisonOperator: LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: BREACHING,
    }),
    proxyConnections: raise(scope, watch, {
      name: "proxy-connections",
      meaning: `RDS Proxy held more than ${thresholds.proxyConnectionsPercent}% of the database connections it may open, for 5 minutes.`,
      metric: new cloudwatch.MathExpression({
        expression: "100 * connections / allowed",
        usingMetrics: { connections: proxyMetric(proxy, "DatabaseConnections"), allowed: proxyMetric(proxy, "MaxDatabaseConnectionsAllowed") },
        label: "Database connections (% of allowed)",
        period: ONE_MINUTE,
      }),
      threshold: thresholds.proxyConnectionsPercent,
      comparisonOperator: GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      // Unlike the instance, the proxy reports nothing until a client has connected through it.
      treatMissingData: NOT_BREACHING,
    }),
  };
}
