import type { MiddlewareHandler } from "hono";

/**
 * What every answer carries: `nosniff`, so that no browser renders a JSON body as HTML or script; and, unless the
 * route says how it may be cached (the page's hashed assets do), `no-store`, because every answer is live data.
 * Set before the route runs, as defaults its own headers override: touching the headers of a response already
 * made would make @hono/node-server build the whole web Response it otherwise skips (a third of GET /data's
 * throughput, bench/http.ts).
 */
export const apiHeaders: MiddlewareHandler = (c, next) => {
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Cache-Control", "no-store");
  // Returned, not awaited: with nothing to do afterwards, an async function would only add a suspended frame and
  // a promise to every request in flight.
  return next();
};
