import { WRITE_SCOPE, type WriteAccess } from "@data-api/core/access";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { setHeader } from "../http/answer";
import { problem } from "../http/problem";

/**
 * Who is calling, and whether they may write. The one place that knows: each host hands the app an `Identify`
 * (on Lambda `authorizerClaims`, which reads what API Gateway's JWT authorizer verified; under `npm start` with
 * AUTH_ISSUER, `tokenVerifier` in host/, which checks the bearer token itself), and `writeAccess` applies the
 * stage's rule with it. Routes only read `c.var.caller`. Reads never ask: GET routes are public on every stage.
 */

/** A caller whose credentials were verified. */
export interface Caller {
  /** The token's `sub`: a person, or, for a client-credentials token (a machine), its client. */
  subject: string;
  /** What the token grants (its `scope` claim, split). */
  scopes: readonly string[];
}

export type Identity =
  /** No credentials at all (no Authorization header, or another scheme than Bearer). */
  | { kind: "anonymous" }
  /** Credentials that are not valid here; `message` tells their sender why and what to do. */
  | { kind: "refused"; message: string }
  | { kind: "caller"; caller: Caller };

/** How a host finds out who sent a request. */
export type Identify = (c: Context<AppEnv>) => Identity | Promise<Identity>;

export const ANONYMOUS: Identity = { kind: "anonymous" };

/** For a host that checks no credentials (npm start without AUTH_ISSUER): everyone is anonymous. */
export const nobodyIdentified: Identify = () => ANONYMOUS;

/** A token's `scope` claim (space-separated, RFC 8693 / RFC 9068), as a list. */
export const scopesOf = (scope: unknown): string[] => (typeof scope === "string" ? scope.split(" ").filter(Boolean) : []);

export const MESSAGES = {
  signIn: 'Sign in to add or delete records: send your access token as "Authorization: Bearer <token>"',
  noWriteScope: `Signed in, but not allowed to add or delete records: the access token lacks the "${WRITE_SCOPE.full}" scope. Sign in again asking for it, or ask the stage's administrator for access`,
} as const;

// RFC 6750, section 3: no error code when no credentials came, invalid_token for a bad one, insufficient_scope.
export const CHALLENGE = {
  missing: "Bearer",
  invalid: 'Bearer error="invalid_token"',
  scope: `Bearer error="insufficient_scope", scope="${WRITE_SCOPE.full}"`,
} as const;

function refuse(c: Context<AppEnv>, status: 401 | 403, challenge: string, message: string) {
  setHeader(c, "www-authenticate", challenge);
  return problem(c, status, message);
}

export interface WriteAccessOptions {
  writes: WriteAccess;
  identify: Identify;
}

/**
 * Lets a write through when the stage's writes are public, or when its caller's token is valid and grants
 * WRITE_SCOPE; otherwise answers 401 (no token, or one that is not valid) or 403 (valid, without the scope) before
 * the body is read. Whoever is identified becomes `c.var.caller`, on a public stage too, for `created_by` and the
 * log line.
 */
export const writeAccess =
  ({ writes, identify }: WriteAccessOptions): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const identity = await identify(c);
    if (identity.kind === "caller") c.set("caller", identity.caller);
    // Anyone may write here: a token that does not verify only leaves its sender anonymous.
    if (writes === "public") return next();
    if (identity.kind === "anonymous") return refuse(c, 401, CHALLENGE.missing, MESSAGES.signIn);
    if (identity.kind === "refused") return refuse(c, 401, CHALLENGE.invalid, identity.message);
    if (!identity.caller.scopes.includes(WRITE_SCOPE.full)) return refuse(c, 403, CHALLENGE.scope, MESSAGES.noWriteScope);
    return next();
  };
