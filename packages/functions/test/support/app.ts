import type { Database } from "@data-api/core/db";
import { Logger, type LogItem } from "@aws-lambda-powertools/logger";
import { createApp, type AppOptions } from "../../src/app";
import type { Telemetry } from "../../src/observability/telemetry";
import { answerOf, checkAnswer } from "./contract";

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

type App = ReturnType<typeof createApp>;

/**
 * The app with every answer it gives (to `app.request`, and to the Lambda adapter, which calls `app.fetch` too)
 * checked against the OpenAPI document: one the document does not describe fails the request.
 */
export function checkedAgainstDocument(app: App): App {
  const fetch = app.fetch;
  app.fetch = async (request, ...rest) => {
    const response = await fetch(request, ...rest);
    checkAnswer(await answerOf(request, response));
    return response;
  };
  return app;
}

/** The real app on a test database, with the errors it logs collected instead of printed, its answers checked against the document. */
export function testApp(db: Database, overrides: Partial<AppOptions> = {}) {
  const logger = new ErrorRecorder();
  const app = checkedAgainstDocument(createApp({
    db,
    stage: "test",
    version: "1.2.3",
    healthTimeoutMs: 1_000,
    telemetry: { logger },
    ...overrides,
  }));
  return { app, reported: logger.errors };
}

export const postJson = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});
