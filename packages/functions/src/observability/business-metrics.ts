import { isDatabaseFailure } from "@data-api/core/db/failure";

import type { BusinessMetric } from "./names";

export type { BusinessMetric } from "./names";

export interface Outcome {
  method: string;
  /** The matched route pattern, e.g. `/data/:id`; undefined when no route matched. */
  route: string | undefined;
  status: number;
  /** What the request threw, if anything, before the error handler turned it into a response. */
  error: unknown;
}

// 400: invalid fields or malformed JSON; 413: body too large; 415: not JSON.
const REFUSED_INPUT = new Set([400, 413, 415]);

/** The business metric a finished request counts towards, read from what the API answered. */
export function businessMetric({ method, route, status, error }: Outcome): BusinessMetric | undefined {
  // Every 503 the API gives means the database did not answer (a request or the health check).
  if (status === 503 || isDatabaseFailure(error)) return "DatabaseErrors";
  if (status === 409) return "DuplicateRejected";
  if (REFUSED_INPUT.has(status)) return "ValidationRejected";
  if (status >= 300) return undefined;
  if (method === "POST" && route === "/data") return "DataCreated";
  if (method === "DELETE" && route === "/data/:id") return "DataDeleted";
  return undefined;
}
