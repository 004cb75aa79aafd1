import { ACCOUNT_STAGE } from "../account/settings";
import { AS_OF, HOURS_PER_MONTH, PRICED_REGION, PRICES, SOURCES } from "./prices";

/**
 * What a stage costs, read off its synthesized CloudFormation (what `sst deploy` would create), not off its
 * settings: a resource added to a stack shows up here without anyone remembering to price it.
 */

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources?: Record<string, Resource>;
}

export interface CostLine {
  item: string;
  /** USD a month with no traffic. */
  idle: number;
  /** USD for each million API requests, on top. */
  perMillion: number;
  /** The settings of stacks/config.ts that move it. */
  movedBy: string;
}

/**
 * What one request costs beyond the idle stage, at the rates measured here: a warm `GET /data` runs a few
 * milliseconds (npm run bench:warm), a round trip through RDS Proxy adds a few more; Lambda bills each started ms.
 */
export const BILLED_MS_PER_REQUEST = 20;
/** The API's access log line, the function's log line and its EMF document: about 400 bytes each. */
export const LOG_BYTES_PER_REQUEST = 1_200;
const MILLION = 1_000_000;
const GB = 1_000_000_000;

function resources(templates: CfnTemplate[], type: string): Record<string, unknown>[] {
  return templates.flatMap((template) =>
    Object.values(template.Resources ?? {})
      .filter((resource) => resource.Type === type)
      .map((resource) => resource.Properties ?? {}),
  );
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

function database(templates: CfnTemplate[]): CostLine[] {
  return resources(templates, "AWS::RDS::DBInstance").flatMap((instance) => {
    const instanceClass = String(instance.DBInstanceClass);
    const price = PRICES.rdsInstanceHour[instanceClass];
    if (!price) throw new Error(`No price for ${instanceClass}: add it to stacks/cost/prices.ts`);
    const multiAz = instance.MultiAZ === true;
    const az = multiAz ? "Multi-AZ" : "Single-AZ";
    const storageGb = Number(instance.AllocatedStorage);
    if (instance.StorageType !== "gp3") throw new Error(`No price for ${String(instance.StorageType)} storage: add it to stacks/cost/prices.ts`);
    const proxies = resources(templates, "AWS::RDS::DBProxy").length;
    const proxyVcpus = Math.max(price.vCpus, PRICES.rdsProxyMinVcpus);
    return [
      {
        item: `RDS ${instanceClass}, ${az}`,
        idle: (multiAz ? price.multiAz : price.singleAz) * HOURS_PER_MONTH,
        perMillion: 0,
        movedBy: "`database.instanceType`, `database.multiAz`",
      },
      {
        item: `RDS storage, ${storageGb} GB gp3${multiAz ? " (twice: Multi-AZ)" : ""}`,
        idle: storageGb * PRICES.rdsGp3GbMonth * (multiAz ? 2 : 1),
        perMillion: 0,
        movedBy: "`database.allocatedStorageGiB` (grows to `maxAllocatedStorageGiB`)",
      },
      ...(proxies > 0
        ? [{ item: `RDS Proxy, ${proxyVcpus} vCPU billed`, idle: proxies * proxyVcpus * PRICES.rdsProxyVcpuHour * HOURS_PER_MONTH, perMillion: 0, movedBy: "`database.instanceType`" }]
        : []),
    ];
  });
}

function network(templates: CfnTemplate[]): CostLine[] {
  const azHours = resources(templates, "AWS::EC2::VPCEndpoint")
    .filter((endpoint) => endpoint.VpcEndpointType === "Interface")
    .reduce((sum, endpoint) => sum + (endpoint.SubnetIds as unknown[]).length, 0);
  const secrets = resources(templates, "AWS::SecretsManager::Secret").length;
  return [
    ...(azHours > 0
      ? [{ item: `Secrets Manager interface endpoint, ${plural(azHours, "AZ")}`, idle: azHours * PRICES.interfaceEndpointAzHour * HOURS_PER_MONTH, perMillion: 0, movedBy: "`database`" }]
      : []),
    ...(secrets > 0 ? [{ item: `Secrets Manager, ${plural(secrets, "secret")}`, idle: secrets * PRICES.secretMonth, perMillion: 0, movedBy: "`database`" }] : []),
  ];
}

/** Metrics an alarm reads: one, or each `MetricStat` of its metric math. */
const alarmMetrics = (alarm: Record<string, unknown>) =>
  Array.isArray(alarm.Metrics) ? (alarm.Metrics as { MetricStat?: unknown }[]).filter((query) => query.MetricStat).length : 1;

/** Runs a month of a schedule `rate(N unit)`; `cron(...)` schedules are refused rather than guessed. */
function runsPerMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
  if (!rate) throw new Error(`Cannot price the canary schedule "${expression}": only rate(N minutes|hours) is understood`);
  const everyMinutes = Number(rate[1]) * (rate[2]!.startsWith("hour") ? 60 : 1);
  return (HOURS_PER_MONTH * 60) / everyMinutes;
}

function monitoring(templates: CfnTemplate[]): CostLine[] {
  const alarms = resources(templates, "AWS::CloudWatch::Alarm");
  const metrics = alarms.reduce((sum, alarm) => sum + alarmMetrics(alarm), 0);
  const composites = resources(templates, "AWS::CloudWatch::CompositeAlarm").length;
  const dashboards = resources(templates, "AWS::CloudWatch::Dashboard").length;
  const keys = resources(templates, "AWS::KMS::Key").length;
  const canaryRuns = resources(templates, "AWS::Synthetics::Canary").reduce(
    (sum, canary) => sum + runsPerMonth(String((canary.Schedule as { Expression: string }).Expression)),
    0,
  );
  const lines: CostLine[] = [];
  if (alarms.length > 0 || composites > 0) {
    lines.push({
      item: `CloudWatch alarms: ${plural(alarms.length, "alarm")} reading ${plural(metrics, "metric")}${composites ? `, ${composites} composite` : ""}`,
      idle: metrics * PRICES.alarmMetricMonth + composites * PRICES.compositeAlarmMonth,
      perMillion: 0,
      movedBy: "`monitoring`",
    });
  }
  if (dashboards > 0) {
    lines.push({ item: `CloudWatch ${plural(dashboards, "dashboard")} (beyond the account's 3 free)`, idle: dashboards * PRICES.dashboardMonth, perMillion: 0, movedBy: "`monitoring`" });
  }
  if (canaryRuns > 0) {
    lines.push({ item: `Synthetics canary, ${Math.round(canaryRuns).toLocaleString("en-US")} runs`, idle: canaryRuns * PRICES.canaryRun, perMillion: 0, movedBy: "`monitoring`" });
  }
  // The alarm topic's key, or the audit trail's: none is optional.
  if (keys > 0) lines.push({ item: `KMS, ${plural(keys, "key")}`, idle: keys * PRICES.kmsKeyMonth, perMillion: 0, movedBy: "" });
  return lines;
}

function identity(templates: CfnTemplate[]): CostLine[] {
  const machines = resources(templates, "AWS::Cognito::UserPoolClient").filter((client) =>
    (client.AllowedOAuthFlows as string[] | undefined)?.includes("client_credentials"),
  ).length;
  const plus = resources(templates, "AWS::Cognito::UserPool").some((pool) => pool.UserPoolTier === "PLUS");
  if (machines === 0 && !plus) return [];
  return [
    {
      item: `Cognito: ${plural(machines, "machine client")}${plus ? `; Plus plan, $${PRICES.cognitoPlusMau.toFixed(3)} per active user` : ", users free (Essentials, 10,000 a month)"}`,
      idle: machines * PRICES.cognitoM2mClientMonth,
      perMillion: 0,
      movedBy: "`writes`, `identity` (Plus: `threatProtection`)",
    },
  ];
}

function requests(templates: CfnTemplate[]): CostLine[] {
  const api = resources(templates, "AWS::Lambda::Function").find((fn) => String(fn.Handler).endsWith("src/api.handler"));
  // The account's stack serves no requests.
  if (!api) return [];
  const memoryGb = Number(api.MemorySize) / 1024;
  const lambda = PRICES.lambdaMillionRequests + memoryGb * (BILLED_MS_PER_REQUEST / 1000) * MILLION * PRICES.lambdaArmGbSecond;
  return [
    { item: "API Gateway HTTP API", idle: 0, perMillion: PRICES.httpApiMillionRequests, movedBy: "" },
    { item: `Lambda, ${api.MemorySize} MB arm64, ${BILLED_MS_PER_REQUEST} ms a request`, idle: 0, perMillion: lambda, movedBy: "`api.memoryMiB`" },
    {
      item: `CloudWatch Logs, ${(LOG_BYTES_PER_REQUEST / 1000).toFixed(1)} KB a request`,
      idle: 0,
      perMillion: ((LOG_BYTES_PER_REQUEST * MILLION) / GB) * PRICES.logsIngestGb,
      movedBy: "`logLevel`; storage: `logRetention`",
    },
  ];
}

/** Every priced line of a stage, given the templates of all its stacks. */
export function estimateStage(templates: CfnTemplate[]): CostLine[] {
  return [...database(templates), ...network(templates), ...monitoring(templates), ...identity(templates), ...requests(templates)];
}

const usd = (amount: number) => (amount === 0 ? "–" : `$${amount.toFixed(2)}`);

/** The README's table of one stage. */
export function costTable(stage: string, lines: CostLine[]): string {
  const total = (pick: (line: CostLine) => number) => lines.reduce((sum, line) => sum + pick(line), 0);
  return [
    `**${stage}**`,
    "",
    "| | idle, a month | per million requests | moved by |",
    "| --- | ---: | ---: | --- |",
    ...lines.map((line) => `| ${line.item} | ${usd(line.idle)} | ${usd(line.perMillion)} | ${line.movedBy} |`),
    `| **total** | **${usd(total((line) => line.idle))}** | **${usd(total((line) => line.perMillion))}** | |`,
  ].join("\n");
}

export const COST_BEGIN = "<!-- cost: generated by npm run cost -- --write; edit stacks/cost/ instead -->";
export const COST_END = "<!-- cost: end -->";

/** The README's whole cost section between its markers: the tables, then what they assume and where the prices are from. */
export function costSection(stages: { stage: string; templates: CfnTemplate[] }[]): string {
  const sources = Object.values(SOURCES).map((url) => `<${url}>`).join(", ");
  return [
    COST_BEGIN,
    ...stages.map(({ stage, templates }) => costTable(stage === ACCOUNT_STAGE ? `${stage} (once per AWS account: deploy roles, audit trail)` : stage, estimateStage(templates))),
    [
      `List prices of ${PRICED_REGION} on ${AS_OF}, USD, ${HOURS_PER_MONTH} hours a month, before tax, free tiers`,
      `and credits. Per request: ${BILLED_MS_PER_REQUEST} ms of Lambda and ${(LOG_BYTES_PER_REQUEST / 1000).toFixed(1)} KB of logs`,
      `ingested (stored at $${PRICES.logsStoredGbMonth} per GB-month for \`logRetention\`). Not priced: data transfer out (the first`,
      "100 GB a month are free), CloudFront (the page; 1 TB and 10 million requests a month are free), S3, the secrets'",
      "rotation functions, the VPC's flow log, Route 53 queries (alias records to AWS resources are free), backups within the database's size",
      `(free). Sources: ${sources}.`,
    ].join("\n"),
    COST_END,
  ].join("\n\n");
}
