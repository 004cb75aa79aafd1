import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../app-env";

/**
 * The API's answers and the headers they carry. Gathered in a plain object and handed to the Response whole,
 * where Hono's `c.header` keeps them in a web Headers object that @hono/node-server copies back into a plain one,
 * header by header: undici's Headers cost `npm start` about 8 us and 1.8 KB a request (a CPU profile under wrk).
 * Names are lower case, as they go on the wire, so that a route's own header replaces a default of the same name.
 */

// A name in other letters than lower case would be a second field beside the default it means to replace.
type HeaderFields = Record<Lowercase<string>, string>;

/** Adds `name` to what the request's answer will carry, whichever route or error handler gives it. */
export function setHeader(c: Context<AppEnv>, name: string, value: string): void {
  let fields: HeaderFields | undefined = c.get("headers");
  if (!fields) c.set("headers", (fields = {}));
  fields[name.toLowerCase() as Lowercase<string>] = value;
}

/** An answer of `body` with the request's headers and then its `own`, which take precedence. */
export function respond(c: Context<AppEnv>, body: string, status: ContentfulStatusCode, own: HeaderFields): Response {
  const fields = c.get("headers");
  // Taken: completeHeaders leaves this answer alone.
  c.set("headers", undefined);
  return new Response(body, { status, headers: fields ? Object.assign(fields, own) : own });
}

const JSON_CONTENT = { "content-type": "application/json" } as const;

/** `value` as a JSON answer. */
export const json = (c: Context<AppEnv>, value: unknown, status: ContentfulStatusCode = 200): Response =>
  respond(c, JSON.stringify(value), status, JSON_CONTENT);

/**
 * Gives an answer that `respond` did not make (the page and its assets, served by Hono's own helpers) the request's
 * headers it lacks: slower, as it goes through Hono's copy of the response, but only for those.
 */
export function completeHeaders(c: Context<AppEnv>): void {
  const fields = c.get("headers");
  if (!fields) return;
  c.set("headers", undefined);
  for (const name in fields) if (!c.res.headers.has(name)) c.header(name, fields[name]);
}
