import { DomainError, ValidationError } from "@data-api/core/error";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../app-env";
import { json, setHeader } from "./answer";

const STATUS_BY_KIND = {
  validation: 400,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  unavailable: 503,
} as const satisfies Record<DomainError["kind"], ContentfulStatusCode>;

const CLIENT_CLOSED_REQUEST = 499 as ContentfulStatusCode;

/** Every error answer has this shape: a `message` (kept identical to the Flask app's), sometimes details. */
export function problem(c: Context<AppEnv>, status: ContentfulStatusCode, message: string, extra: object = {}) {
  c.set("problem", message);
  return json(c, { message, ...extra }, status);
}

/** How much of a request's path an answer repeats: a 15 KB path must not come back as a 15 KB body. */
const ECHOED_PATH_LENGTH = 100;
const echoedPath = (c: Context) =>
  c.req.path.length > ECHOED_PATH_LENGTH ? `${c.req.path.slice(0, ECHOED_PATH_LENGTH)}…` : c.req.path;

export const notFound: NotFoundHandler = (c) => problem(c, 404, `No route for ${c.req.method} ${echoedPath(c)}`);

export const methodNotAllowed = (c: Context<AppEnv>, allowed: string[]) => {
  setHeader(c, "allow", allowed.join(", "));
  return problem(c, 405, `Method ${c.req.method} is not allowed on ${echoedPath(c)}; use ${allowed.join(", ")}`);
};

/**
 * Maps domain errors to their status; anything unexpected becomes a bare 500 that names the request.
 * The error itself stays in `c.error`, where the request's log line picks it up.
 */
export const onError: ErrorHandler = (error, c) => {
  if (error instanceof ValidationError) return problem(c, 400, error.message, { errors: error.issues });
  if (error instanceof DomainError) return problem(c, STATUS_BY_KIND[error.kind], error.message);
  if (error instanceof HTTPException && error.status < 500) {
    return problem(c, error.status as ContentfulStatusCode, error.message);
  }
  // The client went away mid-request (its body cut short, its socket closed): what failed is its doing, so the
  // answer nobody reads says so, with nginx's "client closed request", and no server error is counted.
  if (c.req.raw.signal?.aborted) return problem(c, CLIENT_CLOSED_REQUEST, "The client closed the connection before the request was complete");
  return problem(c, 500, "Internal server error", { requestId: c.get("requestId") });
};
