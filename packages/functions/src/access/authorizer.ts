import { ANONYMOUS, scopesOf, type Identify } from "./caller";

/** What API Gateway (HTTP API, payload 2.0) puts in `requestContext.authorizer.jwt` once its JWT authorizer verified a token. */
interface JwtAuthorizer {
  claims?: Record<string, unknown>;
  /** The token's scopes, where API Gateway lists them; the `scope` claim says the same. */
  scopes?: unknown;
}

const REFUSED_CLAIMS = {
  kind: "refused",
  message: "The access token names no subject (sub): sign in again, with a client that gets user or client tokens",
} as const;

/**
 * Who is calling, on Lambda: API Gateway's JWT authorizer has already refused every missing, expired or foreign
 * token on the routes it guards (its own 401), so what reaches the function is either verified claims or, on a
 * route or stage without the authorizer, none (anonymous). Nothing here checks a signature: no token code in the
 * bundle.
 */
export const authorizerClaims: Identify = (c) => {
  const requestContext = c.env?.event?.requestContext as { authorizer?: { jwt?: JwtAuthorizer } } | undefined;
  const jwt = requestContext?.authorizer?.jwt;
  if (!jwt?.claims) return ANONYMOUS;
  const { sub, scope } = jwt.claims;
  if (typeof sub !== "string" || sub === "") return REFUSED_CLAIMS;
  const listed = Array.isArray(jwt.scopes) ? jwt.scopes.filter((value): value is string => typeof value === "string") : [];
  return { kind: "caller", caller: { subject: sub, scopes: [...new Set([...listed, ...scopesOf(scope)])] } };
};
