import type { Database } from "@data-api/core/db";
import { Hono } from "hono";
import { methodNotAllowed as allowedMethods } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import type { AppEnv } from "./app-env";
import { apiHeaders } from "./http/api-headers";
import { methodNotAllowed, notFound, onError } from "./http/problem";
import { observe } from "./observability/observe";
import type { Telemetry } from "./observability/telemetry";
import { dataRoutes } from "./routes/data";
import { healthRoutes } from "./routes/health";

export interface AppOptions {
  db: Database;
  stage: string;
  version: string;
  healthTimeoutMs: number;
  /** Where each request's log line, errors and metrics go; the client only ever sees a request id. */
  telemetry: Telemetry;
}

/** The whole HTTP API, independent of its host (Lambda, the local server, tests). */
export function createApp(options: AppOptions) {
  const app = new Hono<AppEnv>();
  app
    .use(requestId({ generator: (c) => c.env?.event?.requestContext?.requestId ?? crypto.randomUUID() }))
    .use(observe(options.telemetry))
    .use(apiHeaders)
    .use(allowedMethods({ app, onMethodNotAllowed: methodNotAllowed }))
    .route("/data", dataRoutes(options.db))
    .route("/health", healthRoutes(options))
    .notFound(notFound)
    .onError(onError);
  return app;
}
