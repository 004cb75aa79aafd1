import { Idempotency } from "@data-api/core/idempotency";
import { ValidationError } from "@data-api/core/error";
import type { Context } from "hono";

const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

// The IETF draft (draft-ietf-httpapi-idempotency-key-header) makes the field an RFC 8941 String: DQUOTE, then
// printable ASCII with `"` and `\` escaped by a backslash, then DQUOTE. Many clients send the key bare, as other
// APIs take it (`Idempotency-Key: 8e03978e-…`): one run of visible ASCII without quote, backslash or comma is that
// same key. Two fields in one request arrive joined by a comma, which is neither: refused like any other malformed value.
export const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;
export const BARE_KEY = /^[\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]+$/;
const MALFORMED = 'must be a quoted string (RFC 8941) or one run of visible ASCII without quotes, backslashes or commas, for example "8e03978e-40d5-43e8-bc93-6894a57f9324"';

const refused = (message: string) => new ValidationError([{ field: IDEMPOTENCY_KEY_HEADER, message: `${IDEMPOTENCY_KEY_HEADER} ${message}` }]);

/** The request's Idempotency-Key, unquoted; undefined without one, a ValidationError (400) for a malformed one. */
export function idempotencyKey(c: Context): string | undefined {
  const value = c.req.header(IDEMPOTENCY_KEY_HEADER);
  if (value === undefined) return undefined;
  // RFC 8941 (4.2) drops the spaces around a field's value before parsing it.
  const field = value.trim();
  const quoted = SF_STRING.exec(field);
  if (!quoted && !BARE_KEY.test(field)) throw refused(MALFORMED);
  const key = quoted ? quoted[1]!.replace(/\\(["\\])/g, "$1") : field;
  if (key === "") throw refused("must not be empty");
  if (key.length > Idempotency.KEY_MAX_LENGTH) throw refused(`must be at most ${Idempotency.KEY_MAX_LENGTH} characters`);
  return key;
}
