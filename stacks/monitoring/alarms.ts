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
import { BURN_ALERTS, burnFactor, burnRate, windowName, type BurnAlert, type Indicator } from "./slo";

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

const describe = (meaning: string, section: string) => `${meaning} What to do: docs/runbook.md#${section}`;

/** Tells the stage's topic when `alarm` fires and when it clears. */
function notify(alarm: cloudwatch.AlarmBase, topic: sns.ITopic) {
  const action = new SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
}

/** An alarm that tells the stage's topic when it fires and when it clears. */
function raise(scope: Construct, { app, topic }: Watch, { name, meaning, ...spec }: AlarmSpec): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, `Alarm-${name}`, {
    ...spec,
    alarmName: app.logicalPrefixedName(name),
    alarmDescription: describe(meaning, name),
  });
  notify(alarm, topic);
  return alarm;
}

const percent = (share: number) => `${Number((share * 100).toPrecision(6))}%`;

/**
 * The burn-rate alarms of one objective (slo.ts): for each alert, an alarm per window, silent, and the composite
 * alarm that tells the topic when both windows burn faster than the alert's factor.
 */
export function sloAlarms(scope: Construct, { app, topic }: Watch, indicator: Indicator) {
  const alarms = BURN_ALERTS.map((alert) => {
    const section = `slo-${indicator.name}-${alert.speed}-burn`;
    const factor = burnFactor(alert);
    const windows = [alert.long, alert.short].map((window) => {
      const name = `${section}-${windowName(window)}`;
      return new cloudwatch.Alarm(scope, `Alarm-${name}`, {
        alarmName: app.logicalPrefixedName(name),
        alarmDescription: describe(
          `The ${indicator.name} objective burned its error budget more than ${factor} times as fast as it may over the last ` +
            `${windowName(window)}: one window of ${app.logicalPrefixedName(section)}, which notifies when both windows burn.`,
          section,
        ),
        metric: burnRate(indicator, window),
        threshold: factor,
        comparisonOperator: GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // No requests and no probe runs spend no budget.
        treatMissingData: NOT_BREACHING,
      });
    });
    const composite = new cloudwatch.CompositeAlarm(scope, `Alarm-${section}`, {
      compositeAlarmName: app.logicalPrefixedName(section),
      alarmDescription: describe(
        `${alert.severity === "page" ? "Page" : "Ticket"}: ${indicator.good}, the objective is ${indicator.targetPercent}% over 30 days, ` +
          `and the last ${windowName(alert.long)} and ${windowName(alert.short)} both failed more than ${factor} times the budget allows: ` +
          `${percent(alert.budgetShare)} of the 30-day budget in ${windowName(alert.long)}.`,
        section,
      ),
      alarmRule: cloudwatch.AlarmRule.allOf(...windows.map((window) => cloudwatch.AlarmRule.fromAlarm(window, cloudwatch.AlarmState.ALARM))),
    });
    notify(composite, topic);
    return [alert.speed, composite] as const;
  });
  return Object.fromEntries(alarms) as Record<BurnAlert["speed"], cloudwatch.CompositeAlarm>;
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
/** RDS Proxy reports its latencies in microseconds. */
const MICROSECONDS_PER_MS = 1_000;

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
    proxyPinned: raise(scope, watch, {
      name: "proxy-pinned-connections",
      meaning: `RDS Proxy kept more than ${thresholds.proxyPinnedConnections} database connections pinned to one client each, for 5 minutes.`,
      metric: proxyMetric(proxy, "DatabaseConnectionsCurrentlySessionPinned"),
      threshold: thresholds.proxyPinnedConnections,
      comparisonOperator: GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: NOT_BREACHING,
    }),
    proxyQueryLatency: raise(scope, watch, {
      name: "proxy-query-latency",
      meaning: `The database took more than ${thresholds.proxyQueryLatencyMs} ms on average to answer the proxy's queries, for 15 minutes.`,
      // Each of the proxy's hosts reports its own average: their average is the proxy's.
      metric: proxyMetric(proxy, "QueryDatabaseResponseLatency", { statistic: cloudwatch.Stats.AVERAGE, period: FIVE_MINUTES }),
      threshold: thresholds.proxyQueryLatencyMs * MICROSECONDS_PER_MS,
      comparisonOperator: GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: NOT_BREACHING,
    }),
  };
}
