import { Duration } from "aws-cdk-lib";
import type { IHttpStage } from "aws-cdk-lib/aws-apigatewayv2";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as rds from "aws-cdk-lib/aws-rds";
import type { Construct } from "constructs";
import type * as synthetics from "aws-cdk-lib/aws-synthetics";
import type { apiAlarms, databaseAlarms, sloAlarms } from "./alarms";
import { appMetric, BUSINESS_METRICS, proxyMetric } from "./metrics";
import { BURN_ALERTS, burnFactor, burnRate, budgetLeftPercent, goodPercent, SLO_WINDOW, type Indicator } from "./slo";

export interface Watched {
  stage: string;
  api: IHttpStage;
  /** The function itself: its metrics count every version, the one taking traffic and the one giving it up. */
  fn: lambda.IFunction;
  apiAlarms: ReturnType<typeof apiAlarms>;
  database?: { instance: rds.IDatabaseInstance; proxy: rds.IDatabaseProxy; alarms: ReturnType<typeof databaseAlarms> };
  operations: {
    probe: synthetics.Canary;
    indicators: Record<"availability" | "latency", Indicator>;
    alarms: Record<"availability" | "latency", ReturnType<typeof sloAlarms>>;
  };
}

const { SUM, AVERAGE, MAXIMUM, MINIMUM } = cloudwatch.Stats;
const p = cloudwatch.Stats.p;

const heading = (markdown: string) => new cloudwatch.TextWidget({ markdown, width: 24, height: 1 });
const graph = (title: string, left: cloudwatch.IMetric[], props: Partial<cloudwatch.GraphWidgetProps> = {}) =>
  new cloudwatch.GraphWidget({ title, left, width: 6, height: 6, ...props });

const SLO_DAYS = SLO_WINDOW.toDays();
/** Over the objective's whole window, whatever range the dashboard shows. */
const overTheWindow = (title: string, metric: cloudwatch.IMetric) =>
  new cloudwatch.SingleValueWidget({ title, metrics: [metric], start: `-P${SLO_DAYS}D`, setPeriodToTimeRange: true, width: 6, height: 4 });

function objectiveRow(indicator: Indicator): cloudwatch.IWidget[] {
  const title = indicator.name[0]!.toUpperCase() + indicator.name.slice(1);
  return [
    overTheWindow(`${title}: good, last ${SLO_DAYS} days (%; objective ${indicator.targetPercent})`, goodPercent(indicator, SLO_WINDOW)),
    overTheWindow(`${title}: error budget left, last ${SLO_DAYS} days (%)`, budgetLeftPercent(indicator, SLO_WINDOW)),
    graph(`${title}: burn rate (1 h)`, [burnRate(indicator, BURN_ALERTS[0].long)], {
      width: 12,
      height: 4,
      leftAnnotations: BURN_ALERTS.map((alert) => ({ value: burnFactor(alert), label: `${alert.speed} burn (${alert.severity})` })),
    }),
  ];
}

function objectivesRows({ operations: { indicators, probe } }: Watched): cloudwatch.IWidget[] {
  return [
    heading(`## Service level objectives (${SLO_DAYS} days) and the outside probe`),
    ...objectiveRow(indicators.availability),
    ...objectiveRow(indicators.latency),
    graph("Probe: runs passed (%)", [probe.metricSuccessPercent({ statistic: AVERAGE, label: "Passed" })], { width: 12, leftYAxis: { min: 0, max: 100 } }),
    graph("Probe: run duration (ms)", [probe.metricDuration({ statistic: AVERAGE, label: "Average" }), probe.metricDuration({ statistic: MAXIMUM, label: "Maximum" })], {
      width: 12,
    }),
  ];
}

function apiRow({ api, apiAlarms: alarms }: Watched): cloudwatch.IWidget[] {
  return [
    heading("## API (HTTP API, stage `$default`)"),
    graph("Requests", [api.metricCount({ statistic: SUM, label: "Requests" })]),
    graph("4xx and 5xx", [api.metricClientError({ statistic: SUM, label: "4xx" }), api.metricServerError({ statistic: SUM, label: "5xx" })]),
    graph(
      "Latency (ms)",
      [50, 90, 99].map((percentile) => api.metricLatency({ statistic: p(percentile), label: `p${percentile}` })),
      { leftAnnotations: [alarms.latency.toAnnotation()] },
    ),
    graph("Integration latency (ms)", [api.metricIntegrationLatency({ statistic: p(99), label: "p99" })]),
  ];
}

function functionRow({ fn, stage }: Watched): cloudwatch.IWidget[] {
  return [
    heading("## Function (every version)"),
    graph("Invocations, errors, throttles", [
      fn.metricInvocations({ statistic: SUM, label: "Invocations" }),
      fn.metricErrors({ statistic: SUM, label: "Errors" }),
      fn.metricThrottles({ statistic: SUM, label: "Throttles" }),
    ]),
    graph("Duration (ms)", [fn.metricDuration({ statistic: p(99), label: "p99" })]),
    graph("Concurrent executions", [fn.metric("ConcurrentExecutions", { statistic: MAXIMUM, label: "Concurrent executions" })]),
    graph("Cold starts", [appMetric(stage, "ColdStart").with({ label: "Cold starts" })]),
  ];
}

function databaseRows({ instance, proxy, alarms }: NonNullable<Watched["database"]>): cloudwatch.IWidget[] {
  return [
    heading("## RDS Proxy"),
    graph("Proxy connections", [
      proxyMetric(proxy, "ClientConnections", { label: "From clients" }),
      proxyMetric(proxy, "DatabaseConnections", { label: "To the database" }),
      proxyMetric(proxy, "MaxDatabaseConnectionsAllowed", { label: "Allowed to the database" }),
    ]),
    graph("Query latency at the database (µs)", [
      proxyMetric(proxy, "QueryDatabaseResponseLatency", { statistic: AVERAGE, label: "Average" }),
    ]),
    graph("Connection borrow latency (µs)", [
      proxyMetric(proxy, "DatabaseConnectionsBorrowLatency", { statistic: AVERAGE, label: "Average" }),
    ]),
    graph("Session-pinned connections", [
      proxyMetric(proxy, "DatabaseConnectionsCurrentlySessionPinned", { statistic: MAXIMUM, label: "Pinned" }),
    ]),
    heading("## Database (RDS PostgreSQL)"),
    graph("CPU (%)", [instance.metricCPUUtilization({ statistic: AVERAGE, label: "CPU" })], {
      leftAnnotations: [alarms.cpu.toAnnotation()],
      leftYAxis: { min: 0, max: 100 },
    }),
    graph("Free storage (bytes)", [instance.metricFreeStorageSpace({ statistic: MINIMUM, label: "Free storage" })], {
      leftAnnotations: [alarms.freeStorage.toAnnotation()],
      leftYAxis: { min: 0 },
    }),
    graph("Connections", [instance.metricDatabaseConnections({ statistic: MAXIMUM, label: "Connections" })]),
  ];
}

function businessRow({ stage }: Watched): cloudwatch.IWidget[] {
  const metrics = (names: readonly string[]) => names.map((name) => appMetric(stage, name).with({ label: name }));
  const [created, deleted, ...refused] = BUSINESS_METRICS;
  return [
    heading("## Requests by outcome (the function's metrics)"),
    graph("Records created and deleted", metrics([created, deleted]), { width: 12 }),
    graph("Refused and failed", metrics(refused), { width: 12 }),
  ];
}

/** The stage on one page: alarms first, then each tier a request passes through, then what the requests did. */
export function overviewDashboard(scope: Construct, dashboardName: string, watched: Watched): cloudwatch.Dashboard {
  const objectives = Object.values(watched.operations.alarms).flatMap((alerts) => Object.values(alerts));
  const alarms = [...objectives, ...Object.values(watched.apiAlarms), ...Object.values(watched.database?.alarms ?? {})];
  // One row: widgets wrap at the grid's 24 columns, and each heading takes a whole line.
  const widgets = [
    new cloudwatch.TextWidget({
      markdown: `# data-api ${watched.stage}\nWhat each alarm means and what to do: \`docs/runbook.md\`. Times are UTC.`,
      width: 24,
      height: 2,
    }),
    new cloudwatch.AlarmStatusWidget({ title: "Alarms", alarms, width: 24, height: 3 }),
    ...objectivesRows(watched),
    ...apiRow(watched),
    ...functionRow(watched),
    ...(watched.database ? databaseRows(watched.database) : []),
    ...businessRow(watched),
  ];
  return new cloudwatch.Dashboard(scope, "Dashboard", { dashboardName, defaultInterval: Duration.hours(3), widgets: [widgets] });
}
