import { Logger, LogLevelThreshold, type LogFormatter, type LogItem } from "@aws-lambda-powertools/logger";
import type { ConstructorOptions } from "@aws-lambda-powertools/logger/types";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { LeanLogFormatter } from "./log-formatter";

import type { LogLevel } from "../settings";
import { METRICS_NAMESPACE, SERVICE } from "./names";

export { METRICS_NAMESPACE, SERVICE } from "./names";

/**
 * Powertools Metrics counting a cold start in the invocation's own EMF document, where
 * `captureColdStartMetric` would build a second Metrics and print a second document on the cold path.
 */
export class InvocationMetrics extends Metrics {
  countColdStart(): void {
    if (this.getColdStart()) this.addMetric("ColdStart", MetricUnit.Count, 1);
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

/**
 * The Powertools logger writing a record below ERROR as one JSON line on stdout, with an Error anywhere in it
 * formatted as Powertools formats it. Powertools' own path (its circular-reference replacer, then a Console's
 * formatting) stays for ERROR and above, and for any record plain JSON cannot write (a BigInt, a cycle).
 */
export class CloudLogger extends Logger {
  readonly #formatErrors: (key: string, value: unknown) => unknown;

  constructor(options: ConstructorOptions & { logFormatter: LogFormatter }) {
    super(options);
    const { logFormatter } = options;
    this.#formatErrors = (_key, value) => (value instanceof Error ? logFormatter.formatError(value) : value);
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
