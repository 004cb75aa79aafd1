import type { WriteAccess } from "@data-api/core/access";
import type { Database } from "@data-api/core/db";
import { Hono } from "hono";
import { methodNotAllowed as allowedMethods } from "hono/method-not-allowed";
import { authorizerClaims } from "./access/authorizer";
import type { Identify } from "./access/caller";
import type { AppEnv } from "./app-env";
import { methodNotAllowed, notFound, onError } from "./http/problem";
import { observe } from "./observability/observe";
import type { Telemetry } from "./observability/telemetry";
import { dataRoutes } from "./routes/data";
import { healthRoutes } from "./routes/health";
import { openApiRoutes } from "./routes/openapi";

export interface AppOptions {
  db: Database;
  stage: string;
  version: string;
  healthTimeoutMs: number;
  /** Where each request's log line, errors and metrics go; the client only ever sees a request id. */
  telemetry: Telemetry;
  /** Who may add and delete records; "public" (the Flask contract) unless told. */
  writes?: WriteAccess;
  /**
   * How the host tells who sent a write: unless told, the claims API Gateway's JWT authorizer verified (Lambda;
   * anonymous elsewhere). `npm start` with AUTH_ISSUER passes host/token-verifier.ts, which checks the token itself.
   */
  identify?: Identify;
  /** Whether GET /data shows `createdBy`; false unless told. */
  exposeCreatedBy?: boolean;
}

/**
 * The API's document, packages/functions/openapi.json. Resolved here, in a module of src/ itself: the bundle puts
 * every module into src/api.mjs and the stack copies the file beside it (stacks/Api.ts, copyFiles), so the same
 * relative URL finds it in the checkout and on Lambda.
 */
const OPENAPI_DOCUMENT = new URL("../openapi.json", import.meta.url);

/** The whole HTTP API, independent of its host (Lambda, the local server, tests). */
export function createApp(options: AppOptions) {
  const app = new Hono<AppEnv>();
  // Asked only when no route answered: as a middleware it was one more async layer for every request.
  const refuseWrongMethod = allowedMethods({ app, onMethodNotAllowed: methodNotAllowed });
  app
    .use(observe(options.telemetry))
    .route(
      "/data",
      dataRoutes({
        db: options.db,
        writes: options.writes ?? "public",
        identify: options.identify ?? authorizerClaims,
        exposeCreatedBy: options.exposeCreatedBy ?? false,
      }),
    )
    .route("/health", healthRoutes(options))
    .route("/openapi.json", openApiRoutes(OPENAPI_DOCUMENT))
    .notFound(async (c) => {
      await refuseWrongMethod(c, async () => {
        c.res = await notFound(c);
      });
      return c.res;
    })
    .onError(onError);
  return app;
}
