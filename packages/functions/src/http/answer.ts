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

/**
 * What every answer carries unless its route says otherwise: `nosniff`, so that no browser renders a JSON body as
 * HTML or script; and `no-store`, because every answer is live data (the page's hashed assets say how they may be
 * cached). Part of every answer as it is made, where a middleware setting them was one more layer each request
 * went through twice.
 */
const DEFAULT_HEADERS = { "x-content-type-options": "nosniff", "cache-control": "no-store" } as const satisfies HeaderFields;

/**
 * The request's headers so far: the defaults, and whatever was added to them. Those of a request that observe did
 * not identify (a test's app without it) start as a copy of the defaults.
 */
function fieldsOf(c: Context<AppEnv>): HeaderFields {
  let fields: HeaderFields | undefined = c.get("headers");
  if (!fields) c.set("headers", (fields = { ...DEFAULT_HEADERS }));
  return fields;
}

/**
 * Starts the request's headers with the defaults and the ids it goes by, which every answer echoes: one object
 * literal, whose shape V8 knows before it runs. Copied from the defaults and given the ids by name, every request's
 * headers got hidden classes made anew for them (callgrind: Map::TransitionToDataProperty and DescriptorArray::CopyFrom
 * on every request). The names are observe.ts's REQUEST_ID_HEADER and CORRELATION_HEADER, as they go on the wire.
 */
export function startHeaders(c: Context<AppEnv>, requestId: string, correlationId: string): void {
  c.set("headers", {
    "x-content-type-options": DEFAULT_HEADERS["x-content-type-options"],
    "cache-control": DEFAULT_HEADERS["cache-control"],
    "x-request-id": requestId,
    "x-correlation-id": correlationId,
  });
}

/**
 * Adds `name` to what the request's answer will carry, whichever route or error handler gives it. The name comes as
 * it goes on the wire, in lower case: lower-cased here, it was a new string for V8 to look up on every answer.
 */
export function setHeader(c: Context<AppEnv>, name: Lowercase<string>, value: string): void {
  fieldsOf(c)[name] = value;
}

/** An answer of `body` with the request's headers and then its `own`, which take precedence. */
export function respond(c: Context<AppEnv>, body: string, status: ContentfulStatusCode, own: HeaderFields): Response {
  const fields = Object.assign(fieldsOf(c), own);
  // Taken: completeHeaders leaves this answer alone.
  c.set("headers", undefined);
  return new Response(body, { status, headers: fields });
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
  // None: `respond` took them (observe gives every request some before its route runs).
  const fields = c.get("headers");
  if (!fields) return;
  c.set("headers", undefined);
  for (const name in fields) if (!c.res.headers.has(name)) c.header(name, fields[name]);
}
