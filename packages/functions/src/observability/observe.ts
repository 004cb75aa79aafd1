import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../app-env";
import { completeHeaders, startHeaders } from "../http/answer";
import { businessMetric } from "./business-metrics";
import { withSourceMappedStack } from "./source-mapped";
import type { Telemetry } from "./telemetry";

export const REQUEST_ID_HEADER = "X-Request-Id";
// Hono's requestId rule (hono/request-id): a client's own id is kept when it is this plain and short.
const CLIENT_REQUEST_ID = /^[\w=-]{1,255}$/;
export const CORRELATION_HEADER = "x-correlation-id";
// Anything else (too long, spaces, quotes) is replaced rather than written into logs and headers.
export const CORRELATION_ID = /^[\w.:/+=-]{1,128}$/;

/** The pattern of the route the request matched (`/data/:id`), passing over the `/*` of middleware. */
function matchedRoute(c: Context): string | undefined {
  return matchedRoutes(c).findLast((route) => route.method !== "ALL")?.path;
}

/**
 * The request's id: the `X-Request-Id` its client sent, else API Gateway's, else a new one. Decided here rather
 * than by Hono's requestId middleware: each middleware is one more async layer every request passes twice.
 */
function requestIdOf(c: Context<AppEnv>): string {
  const sent = c.req.header(REQUEST_ID_HEADER);
  if (sent !== undefined && CLIENT_REQUEST_ID.test(sent)) return sent;
  const gateway = c.env?.event?.requestContext;
  return (gateway && "requestId" in gateway ? gateway.requestId : undefined) ?? crypto.randomUUID();
}

/**
 * Gives each request an id and a correlation id (the `x-correlation-id` it came with, or its request id), both
 * echoed in the response; then writes its one log line (with its caller, and what a delete removed) and flushes
 * its metrics, whatever the handler did.
 */
export const observe =
  ({ logger, metrics }: Telemetry): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const started = performance.now();
    const lambdaContext = c.env?.lambdaContext;
    if (lambdaContext) {
      logger.addContext(lambdaContext);
      metrics?.countColdStart();
    }
    const requestId = requestIdOf(c);
    c.set("requestId", requestId);
    const incoming = c.req.header(CORRELATION_HEADER);
    const correlationId = incoming && CORRELATION_ID.test(incoming) ? incoming : requestId;
    startHeaders(c, requestId, correlationId);

    // Hono's error handler turns what a route throws into a response and keeps it in `c.error`;
    // only an error the handler itself could not map gets this far.
    let unhandled: unknown;
    try {
      await next();
      completeHeaders(c);
    } catch (error) {
      unhandled = error;
      throw error;
    } finally {
      const { method, path } = c.req;
      const route = matchedRoute(c);
      const status = unhandled === undefined ? c.res.status : 500;
      const error = unhandled ?? c.error;
      // c.get, not c.var: Hono builds c.var anew from all the variables on every read.
      const caller = c.get("caller");
      const removed = c.get("removed");
      const problem = c.get("problem");

      const metric = businessMetric({ status, error, event: c.get("businessEvent") });
      if (metric) metrics?.count(metric);
      if (metrics?.hasStoredMetrics()) metrics.publishStoredMetrics();

      const line = {
        message: `${method} ${path} ${status}`,
        method,
        route,
        path,
        status,
        latency_ms: Math.round((performance.now() - started) * 10) / 10,
        request_id: requestId,
        correlation_id: correlationId,
        // Who wrote (the token's subject), where a write identified its caller; reads are anonymous.
        ...(caller && { caller: caller.subject }),
        // What a delete removed, so the record of it survives the row.
        ...(removed && { removed }),
        // What an error answer told the client: the saved query "4xx by message" counts them by it.
        ...(problem !== undefined && { problem }),
      };
      if (status < 500) logger.info(line);
      else if (error === undefined) logger.error(line);
      else logger.error(line, error instanceof Error ? withSourceMappedStack(error) : String(error));
    }
  };
