import { getXRayTraceIdFromEnv, shouldUseInvokeStore } from "@aws-lambda-powertools/commons/utils/env";
import { LogItem, LogLevelThreshold, type Logger, type LogFormatter } from "@aws-lambda-powertools/logger";
import type { ConstructorOptions, LogAttributes } from "@aws-lambda-powertools/logger/types";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { isoNow } from "./iso-now";
import { LeanLogFormatter } from "./log-formatter";
import { PlainLineLogger } from "./plain-line-logger";

import type { LogLevel } from "../settings";
import { METRICS_NAMESPACE, SERVICE } from "./names";

export { METRICS_NAMESPACE, SERVICE } from "./names";

/**
 * Powertools Metrics counting a cold start in the invocation's own EMF document, where
 * `captureColdStartMetric` would build a second Metrics and print a second document on the cold path.
 */
export class InvocationMetrics extends Metrics {
  countColdStart(): void {
    if (this.getColdStart()) this.count("ColdStart");
  }

  /** One more of `name` in this invocation's document. */
  count(name: string): void {
    this.addMetric(name, MetricUnit.Count, 1);
  }
}

/** Where the app's request logs, errors and metrics go; each host builds its own. */
export interface Telemetry {
  logger: Logger;
  /** Absent where nothing collects metrics (a developer's terminal). */
  metrics?: InvocationMetrics;
}

export interface TelemetrySettings {
  stage: string;
  version: string;
  logLevel?: LogLevel;
}

/** What `addContext` gave Powertools of an invocation, as its formatter (LeanLogFormatter) prints it. */
interface Invocation {
  context: Parameters<Logger["addContext"]>[0];
  coldStart: boolean;
}

/** Whether a record has a key Powertools would drop (LogItem.removeEmptyKeys) that JSON would still write. */
function hasNullOrEmpty(record: Record<string, unknown>): boolean {
  for (const key in record) if (record[key] === null || record[key] === "") return true;
  return false;
}

/**
 * The Powertools logger writing a record below ERROR as one JSON line on stdout, with an Error anywhere in it
 * formatted as Powertools formats it. Powertools' own path (its circular-reference replacer, then a Console's
 * formatting) stays for ERROR and above, and for any record plain JSON cannot write (a BigInt, a cycle).
 */
export class CloudLogger extends PlainLineLogger {
  readonly #formatErrors: (key: string, value: unknown) => unknown;
  #invocation: Invocation | undefined;
  #coldStart = false;

  /** The service and sampling rate of every record, as Powertools settled them from the options and environment. */
  readonly #constants: { service: unknown; sampling_rate: unknown };

  constructor(options: ConstructorOptions & { logFormatter: LogFormatter }) {
    super(options);
    const { logFormatter } = options;
    this.#formatErrors = (_key, value) => (value instanceof Error ? logFormatter.formatError(value) : value);
    const { service, sampling_rate } = this.createAndPopulateLogItem(LogLevelThreshold.INFO, "", []).getAttributes();
    this.#constants = { service, sampling_rate };
    // With Lambda's multi-concurrency, each invocation's context (and level) lives in its InvokeStore, which only
    // Powertools' path reads. One invocation at a time, as on-demand Lambda runs them, the last context added is
    // the current one.
    if (shouldUseInvokeStore()) this.leaveToPowertools();
  }

  /** A request's line, keys in the order of Powertools' record, once per invocation (bench/warm.ts). */
  protected override printPlain(fields: LogAttributes & { message: string }): void {
    const invocation = this.#invocation;
    const context = invocation?.context;
    // LeanLogFormatter's record, then the persistent keys and the fields, as Powertools' deep merge adds them:
    // assigned to the one record, where spreading them made two more objects a line.
    const record: Record<string, unknown> = {
      level: "INFO",
      message: fields.message,
      timestamp: isoNow(),
      service: this.#constants.service,
      cold_start: invocation?.coldStart,
      function_arn: context?.invokedFunctionArn,
      function_memory_size: context?.memoryLimitInMB,
      function_name: context?.functionName,
      function_request_id: context?.awsRequestId,
      sampling_rate: this.#constants.sampling_rate,
      xray_trace_id: getXRayTraceIdFromEnv(),
      tenant_id: context?.tenantId,
    };
    // Powertools leaves out a persistent key with no value, where a field of the same name would take its place.
    const persistent = this.getPersistentLogAttributes();
    for (const key in persistent) if (persistent[key] !== undefined) record[key] = persistent[key];
    for (const key in fields) if (key !== "message") record[key] = fields[key];
    // Empty keys dropped as Powertools drops them. JSON leaves out those without a value by itself; Powertools'
    // LogItem, which copies the others into a fresh record, is needed only for a null or an empty string.
    let printed = record;
    if (hasNullOrEmpty(record)) {
      const line = new LogItem({ attributes: record });
      line.prepareForPrint();
      printed = line.getAttributes();
    }
    process.stdout.write(`${JSON.stringify(printed)}\n`);
  }

  /** Powertools asks once per `addContext`, which remembers the answer for the records `info` writes. */
  override getColdStart(): boolean {
    return (this.#coldStart = super.getColdStart());
  }

  override addContext(context: Invocation["context"]): void {
    super.addContext(context);
    this.#invocation = { context, coldStart: this.#coldStart };
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    if (logLevel >= LogLevelThreshold.ERROR) return super.printLog(logLevel, log);
    let line: string;
    try {
      log.prepareForPrint();
      line = JSON.stringify(log.getAttributes(), this.#formatErrors);
    } catch {
      return super.printLog(logLevel, log);
    }
    process.stdout.write(`${line}\n`);
  }
}

/** JSON log lines and EMF metrics on stdout, where Lambda's log group picks up both. */
export function cloudTelemetry({ stage, version, logLevel }: TelemetrySettings): Telemetry {
  const logger = new CloudLogger({ serviceName: SERVICE, logLevel, persistentKeys: { stage, version }, logFormatter: new LeanLogFormatter() });
  const metrics = new InvocationMetrics({
    namespace: METRICS_NAMESPACE,
    serviceName: SERVICE,
    defaultDimensions: { stage },
    logger,
  });
  return { logger, metrics };
}
