import type { Database } from "@data-api/core/db";
import { Logger, type LogItem } from "@aws-lambda-powertools/logger";
import { createApp, type AppOptions } from "../../src/app";
import type { Telemetry } from "../../src/observability/telemetry";

/** The Powertools logger keeping the errors it would print, for tests to read. */
class ErrorRecorder extends Logger {
  readonly errors: unknown[] = [];

  protected override printLog(_logLevel: number, log: LogItem): void {
    const { error } = log.getAttributes();
    if (error !== undefined) this.errors.push(error);
  }
}

/** Logs nothing and counts no metrics: for tests about something else than telemetry. */
export const silentTelemetry = (): Telemetry => ({ logger: new Logger({ logLevel: "SILENT" }) });

/** The real app on a test database, with the errors it logs collected instead of printed. */
export function testApp(db: Database, overrides: Partial<AppOptions> = {}) {
  const logger = new ErrorRecorder();
  const app = createApp({
    db,
    stage: "test",
    version: "1.2.3",
    healthTimeoutMs: 1_000,
    telemetry: { logger },
    ...overrides,
  });
  return { app, reported: logger.errors };
}

export const postJson = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});
