import type { MiddlewareHandler } from "hono";

/**
 * What every answer carries: `nosniff`, so that no browser renders a JSON body as HTML or script; and, unless the
 * route says how it may be cached (the page's hashed assets do), `no-store`, because every answer is live data.
 */
export const apiHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header("X-Content-Type-Options", "nosniff");
  if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
};
