import { UnavailableError } from "@data-api/core/error";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import { ANONYMOUS, scopesOf, type Identify, type Identity } from "../access/caller";
import type { TokenIssuer } from "./auth-settings";

/**
 * Who is calling, under `npm start` with AUTH_ISSUER: the bearer token verified here as API Gateway's JWT
 * authorizer verifies it in the cloud (signature by a key of the issuer's JWKS, `iss`, `exp`, and an audience),
 * with jose. Only server.ts imports this module, so the Lambda bundle carries no token code.
 */

export interface VerifierOptions {
  /** How long the discovery document and the JWKS may take to arrive. */
  timeoutMs?: number;
}

/** The part of an OpenID Provider's discovery document the verifier reads. */
interface Discovery {
  issuer?: unknown;
  jwks_uri?: unknown;
  token_endpoint?: unknown;
  revocation_endpoint?: unknown;
}

export interface Issuer {
  /** Who sent each write, by its bearer token. */
  identify: Identify;
  /**
   * The origins a page signing in there fetches from (the discovery document, the token and revocation endpoints),
   * for its Content-Security-Policy's connect-src. Cognito's endpoints are on another origin than its issuer.
   */
  origins: string[];
}

/** Where OpenID Connect Discovery 1.0 (section 4) puts an issuer's metadata: its URL, without a trailing slash, plus the well-known path. */
const discoveryUrl = (issuer: string) => `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;

/** Reads the issuer's discovery document, once its `issuer` is the one configured. */
async function discover(issuer: string, timeoutMs: number): Promise<Discovery & { jwks_uri: string }> {
  const url = discoveryUrl(issuer);
  const response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: is AUTH_ISSUER the issuer's URL?`);
  const discovery = (await response.json()) as Discovery;
  if (discovery.issuer !== issuer) {
    throw new Error(`${url} names the issuer ${JSON.stringify(discovery.issuer)}: set AUTH_ISSUER to exactly that, as its tokens' iss says it`);
  }
  if (typeof discovery.jwks_uri !== "string" || !URL.canParse(discovery.jwks_uri)) throw new Error(`${url} names no jwks_uri`);
  return discovery as Discovery & { jwks_uri: string };
}

function originsOf(issuer: string, discovery: Discovery): string[] {
  const urls = [issuer, discovery.token_endpoint, discovery.revocation_endpoint];
  const origins = urls.filter((url): url is string => typeof url === "string" && URL.canParse(url)).map((url) => new URL(url).origin);
  return [...new Set(origins)];
}

const refused = (message: string): Identity => ({ kind: "refused", message });

const SIGN_IN_AGAIN = "sign in again";
const REFUSALS = {
  malformed: refused('The access token is malformed: send the access token the sign-in gave you, as "Authorization: Bearer <token>"'),
  expired: refused(`The access token has expired: ${SIGN_IN_AGAIN}`),
  notYetValid: refused(`The access token is not valid yet: check this machine's clock, or ${SIGN_IN_AGAIN}`),
  issuer: refused(`The access token is from another issuer than the one this API trusts: ${SIGN_IN_AGAIN} with this API's sign-in`),
  audience: refused(`The access token is for another API or client: ${SIGN_IN_AGAIN} with this API's sign-in`),
  signature: refused(`The access token's signature is not its issuer's: ${SIGN_IN_AGAIN}`),
  subject: refused(`The access token names no subject (sub): ${SIGN_IN_AGAIN}`),
};

/** What a jose error says about the token, as an answer to its sender; undefined when it is this server's problem (the JWKS unreachable). */
function refusalOf(error: unknown): Identity | undefined {
  const { code, claim } = (error ?? {}) as { code?: string; claim?: string };
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return REFUSALS.expired;
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (claim === "iss") return REFUSALS.issuer;
      if (claim === "nbf") return REFUSALS.notYetValid;
      if (claim === "sub") return REFUSALS.subject;
      return refused(`The access token's ${claim ?? "claims"} claim is missing or not valid: ${SIGN_IN_AGAIN}`);
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
    case "ERR_JWKS_NO_MATCHING_KEY":
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return REFUSALS.signature;
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
    case "ERR_JOSE_ALG_NOT_ALLOWED":
    case "ERR_JOSE_NOT_SUPPORTED":
      return REFUSALS.malformed;
    default:
      return undefined;
  }
}

/** A token is for us when its `aud` (one or several) or, as Cognito's access tokens say it, its `client_id` is one of ours. */
function isForUs(payload: JWTPayload, audiences: ReadonlySet<string>): boolean {
  const aud = typeof payload.aud === "string" ? [payload.aud] : (payload.aud ?? []);
  return aud.some((value) => audiences.has(value)) || (typeof payload.client_id === "string" && audiences.has(payload.client_id));
}

// RFC 6750, section 2.1: the scheme in any case, then the token (b64token characters).
const BEARER = /^Bearer +([\w.~+/-]+=*) *$/i;

/** The bearer token of a request: undefined when it sent none, "" when its Bearer credentials are not a token. */
function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined || !/^Bearer(\s|$)/i.test(authorization)) return undefined;
  return BEARER.exec(authorization)?.[1] ?? "";
}

/**
 * Reads the issuer's discovery document (so a wrong AUTH_ISSUER stops `npm start` at once), then identifies each
 * write's caller by its bearer token. The keys are fetched when first needed and kept, and fetched again for a
 * key id they do not have (the issuer rotated its keys), at most every 30 s.
 */
export async function openIssuer({ issuer, audiences }: TokenIssuer, { timeoutMs = 5_000 }: VerifierOptions = {}): Promise<Issuer> {
  const discovery = await discover(issuer, timeoutMs);
  const keys = createRemoteJWKSet(new URL(discovery.jwks_uri), { timeoutDuration: timeoutMs });
  const ours = new Set(audiences);
  const identify: Identify = async (c) => {
    const token = bearerToken(c.req.header("authorization"));
    if (token === undefined) return ANONYMOUS;
    if (token === "") return REFUSALS.malformed;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer, requiredClaims: ["exp", "sub"] }));
    } catch (error) {
      const refusal = refusalOf(error);
      // The issuer's keys did not arrive within timeoutMs: its failure, not the caller's, and one a retry may get past.
      if (refusal === undefined) throw new UnavailableError(`Cannot verify access tokens: the keys of ${issuer} are out of reach`, { cause: error });
      return refusal;
    }
    if (!isForUs(payload, ours)) return REFUSALS.audience;
    if (typeof payload.sub !== "string" || payload.sub === "") return REFUSALS.subject;
    return { kind: "caller", caller: { subject: payload.sub, scopes: scopesOf(payload.scope) } };
  };
  return { identify, origins: originsOf(issuer, discovery) };
}

/** `openIssuer`'s `identify` alone. */
export async function tokenVerifier(tokens: TokenIssuer, options: VerifierOptions = {}): Promise<Identify> {
  return (await openIssuer(tokens, options)).identify;
}
