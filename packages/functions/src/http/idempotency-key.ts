import { Idempotency } from "@data-api/core/idempotency";
import { ValidationError } from "@data-api/core/error";
import type { Context } from "hono";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

// The IETF draft (draft-ietf-httpapi-idempotency-key-header) makes the field an RFC 8941 String: DQUOTE, then
// printable ASCII with `"` and `\` escaped by a backslash, then DQUOTE. Two fields in one request arrive joined
// by a comma, which is no String: refused like any other malformed value.
const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;

const refused = (message: string) => new ValidationError([{ field: IDEMPOTENCY_KEY_HEADER, message: `${IDEMPOTENCY_KEY_HEADER} ${message}` }]);

/** The request's Idempotency-Key, unquoted; undefined without one, a ValidationError (400) for a malformed one. */
export function idempotencyKey(c: Context): string | undefined {
  const value = c.req.header(IDEMPOTENCY_KEY_HEADER);
  if (value === undefined) return undefined;
  // RFC 8941 (4.2) drops the spaces around a field's value before parsing it.
  const quoted = SF_STRING.exec(value.trim());
  if (!quoted) throw refused('must be one quoted string (RFC 8941), for example "8e03978e-40d5-43e8-bc93-6894a57f9324"');
  const key = quoted[1]!.replace(/\\(["\\])/g, "$1");
  if (key === "") throw refused("must not be empty");
  if (key.length > Idempotency.KEY_MAX_LENGTH) throw refused(`must be at most ${Idempotency.KEY_MAX_LENGTH} characters`);
  return key;
}
