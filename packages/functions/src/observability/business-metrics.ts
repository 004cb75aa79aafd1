import { isDatabaseFailure } from "@data-api/core/db";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import type { BusinessMetric } from "./names";

export type { BusinessMetric } from "./names";

export interface Outcome {
  status: number;
  /** What the request threw, if anything, before the error handler turned it into a response. */
  error: unknown;
  /** What the route says it did, when it succeeded (`countAs`). */
  event: BusinessMetric | undefined;
}

// 400: invalid fields or malformed JSON; 413: body too large; 415: not JSON.
const REFUSED_INPUT = new Set([400, 413, 415]);

/** Marks a route's success as `metric`: the route says what it did, the metrics need not guess from its path. */
export const countAs =
  (metric: BusinessMetric): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.set("businessEvent", metric);
    await next();
  };

/** The business metric a finished request counts towards, read from what the API answered. */
export function businessMetric({ status, error, event }: Outcome): BusinessMetric | undefined {
  // On Lambda every 503 means the database did not answer (a request or the health check); only npm start also
  // verifies tokens itself, and its 503 for an unreachable issuer is no EMF metric.
  if (status === 503 || isDatabaseFailure(error)) return "DatabaseErrors";
  if (status === 409) return "DuplicateRejected";
  if (REFUSED_INPUT.has(status)) return "ValidationRejected";
  return status < 300 ? event : undefined;
}
