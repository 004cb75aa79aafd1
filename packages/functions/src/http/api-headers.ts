import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { setHeader } from "./answer";

/**
 * What every answer carries: `nosniff`, so that no browser renders a JSON body as HTML or script; and, unless the
 * route says how it may be cached (the page's hashed assets do), `no-store`, because every answer is live data.
 * Set before the route runs, as defaults its own headers override (http/answer.ts).
 */
export const apiHeaders: MiddlewareHandler<AppEnv> = (c, next) => {
  setHeader(c, "X-Content-Type-Options", "nosniff");
  setHeader(c, "Cache-Control", "no-store");
  // Returned, not awaited: with nothing to do afterwards, an async function would only add a suspended frame and
  // a promise to every request in flight.
  return next();
};
