import * as oauth from "oauth4webapi";
import type { AuthSettings } from "./config";

/**
 * Signing in on a stage whose writes need it: OpenID Connect's authorization code flow with PKCE, for a public
 * client (no secret), by oauth4webapi. Tokens live in this module's memory only, so a reload or another tab starts
 * signed out; sessionStorage holds only what one redirect round trip needs (state, nonce, PKCE verifier), and only
 * until the page is back.
 */

/** What the page shows about the session. */
export type SessionState =
  | { kind: "signed-out" }
  | { kind: "signed-in"; user: string }
  /** Signed in until the API (or the clock) said the token is no longer good, and no refresh helped. */
  | { kind: "expired" };

/** The round trip's secrets, from `signIn` until the page handles the provider's answer. */
interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  startedAt: number;
}

interface Tokens {
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds; unknown when the token response has no `expires_in`. */
  expiresAt?: number;
  idToken?: string;
  user: string;
}

/** What the session needs of the browser; tests hand in their own. */
export interface SessionHost {
  /** sessionStorage: cleared with the tab, and never shared with another one. */
  storage: Pick<Storage, "getItem" | "setItem" | "removeItem">;
  /** The page's address now. */
  url(): string;
  /** Puts another address in the address bar without loading it (history.replaceState). */
  replaceUrl(url: string): void;
  /** Leaves the page for `url` (the provider's sign-in or sign-out page). */
  navigate(url: string): void;
  now(): number;
}

export const PENDING_KEY = "data-api:sign-in";
/** A sign-in not finished within this long is dropped: its code would have expired at the provider anyway. */
export const PENDING_TTL_MS = 15 * 60_000;
/** A token this close to its expiry is treated as expired, so that it does not expire on the way. */
export const EXPIRY_SKEW_MS = 30_000;

/** The parameters an authorization response may put in the page's address (RFC 6749 4.1.2, RFC 9207). */
const CALLBACK_PARAMS = ["code", "state", "error", "error_description", "error_uri", "iss", "session_state"];

const browserHost = (): SessionHost => ({
  storage: sessionStorage,
  url: () => location.href,
  replaceUrl: (url) => history.replaceState(history.state, "", url),
  navigate: (url) => location.assign(url),
  now: () => Date.now(),
});

/** The name to show for a signed-in person, from the ID token's validated claims. */
export function displayName(claims: oauth.IDToken | undefined): string | undefined {
  for (const claim of ["email", "name", "preferred_username", "cognito:username", "sub"]) {
    const value = claims?.[claim];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
}

/** A failed sign-in, in words that say what happened and what to do. */
export function describeSignInError(error: unknown): string {
  if (error instanceof oauth.AuthorizationResponseError) {
    if (error.error === "access_denied") return "Sign-in was cancelled. Sign in again to add or delete records.";
    return `The sign-in service refused: ${error.error_description ?? error.error}. Try again.`;
  }
  if (error instanceof oauth.ResponseBodyError) {
    return `The sign-in service refused: ${error.error_description ?? error.error}. Try again.`;
  }
  if (error instanceof TypeError) return "Cannot reach the sign-in service. Check your connection, then try again.";
  return `Sign-in failed: ${error instanceof Error ? error.message : String(error)}. Try again.`;
}

/** Cognito's issuers: its discovery document names no end_session_endpoint, its hosted UI has /logout. */
const COGNITO_ISSUER = /^cognito-idp\.[a-z0-9-]+\.amazonaws\.com$/;

/** Where to send the browser to end the provider's session too, if the provider says (or is known to have) one. */
export function signOutUrl(server: oauth.AuthorizationServer, clientId: string, returnTo: string, idToken?: string): string | undefined {
  if (COGNITO_ISSUER.test(new URL(server.issuer).hostname) && server.authorization_endpoint) {
    const url = new URL("/logout", server.authorization_endpoint);
    url.search = new URLSearchParams({ client_id: clientId, logout_uri: returnTo }).toString();
    return url.href;
  }
  if (!server.end_session_endpoint) return undefined;
  const url = new URL(server.end_session_endpoint);
  url.searchParams.set("client_id", clientId);
  url.searchParams.set("post_logout_redirect_uri", returnTo);
  if (idToken) url.searchParams.set("id_token_hint", idToken);
  return url.href;
}

export function createSession(settings: AuthSettings, host: SessionHost = browserHost()) {
  const client: oauth.Client = { client_id: settings.clientId };
  const clientAuth = oauth.None();
  const http = { [oauth.allowInsecureRequests]: settings.insecure };
  const issuer = new URL(settings.issuer);
  const wantsIdToken = settings.scope.split(" ").includes("openid");
  let discovery: Promise<oauth.AuthorizationServer> | undefined;
  let tokens: Tokens | undefined;
  let state: SessionState = { kind: "signed-out" };
  let renewing: Promise<string | undefined> | undefined;
  const listeners = new Set<(state: SessionState) => void>();

  function become(next: SessionState) {
    state = next;
    for (const listener of listeners) listener(next);
  }

  /** The issuer's discovery document, fetched once; a failure is not kept, so that the next try asks again. */
  function server(): Promise<oauth.AuthorizationServer> {
    discovery ??= oauth
      .discoveryRequest(issuer, http)
      .then((response) => oauth.processDiscoveryResponse(issuer, response))
      .catch((error: unknown) => {
        discovery = undefined;
        throw error;
      });
    return discovery;
  }

  /** The page's own address without query or fragment: where the provider sends the browser back. */
  const pageUrl = () => {
    const url = new URL(host.url());
    return `${url.origin}${url.pathname}`;
  };

  function keep(response: oauth.TokenEndpointResponse) {
    const user = displayName(oauth.getValidatedIdTokenClaims(response)) ?? tokens?.user ?? "you";
    tokens = {
      accessToken: response.access_token,
      // A refresh response may leave the refresh token out: the old one stays good (RFC 6749 6).
      refreshToken: response.refresh_token ?? tokens?.refreshToken,
      expiresAt: response.expires_in === undefined ? undefined : host.now() + response.expires_in * 1000,
      idToken: response.id_token ?? tokens?.idToken,
      user,
    };
    become({ kind: "signed-in", user });
  }

  function takePending(): Pending | undefined {
    const raw = host.storage.getItem(PENDING_KEY);
    host.storage.removeItem(PENDING_KEY);
    try {
      const pending = raw ? (JSON.parse(raw) as Pending) : undefined;
      return pending && host.now() - pending.startedAt < PENDING_TTL_MS ? pending : undefined;
    } catch {
      return undefined;
    }
  }

  /** Forgets the tokens; `expired` when the person did not ask for it. */
  function forget(kind: "signed-out" | "expired") {
    tokens = undefined;
    if (state.kind !== kind) become({ kind });
  }

  /** A new access token by the refresh token, if there is one (one request at a time); else the session expires. */
  function renew(): Promise<string | undefined> {
    const refreshToken = tokens?.refreshToken;
    if (!refreshToken) {
      if (tokens) forget("expired");
      return Promise.resolve(undefined);
    }
    renewing ??= (async () => {
      try {
        const as = await server();
        const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, http);
        keep(await oauth.processRefreshTokenResponse(as, client, response));
        return tokens?.accessToken;
      } catch {
        forget("expired");
        return undefined;
      } finally {
        renewing = undefined;
      }
    })();
    return renewing;
  }

  /** Whether the page's address carries the provider's answer to a sign-in. */
  function returning(): boolean {
    const params = new URL(host.url()).searchParams;
    return params.has("state") && (params.has("code") || params.has("error"));
  }

  return {
    state: () => state,
    returning,

    /** Calls `listener` with every change of state from now on. */
    subscribe(listener: (state: SessionState) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Leaves for the provider's sign-in page; the browser comes back to this page with a code. */
    async signIn(): Promise<void> {
      const as = await server();
      if (!as.authorization_endpoint) throw new Error("the issuer's discovery document names no authorization_endpoint");
      const pending: Pending = {
        state: oauth.generateRandomState(),
        nonce: oauth.generateRandomNonce(),
        verifier: oauth.generateRandomCodeVerifier(),
        redirectUri: pageUrl(),
        startedAt: host.now(),
      };
      const url = new URL(as.authorization_endpoint);
      for (const [name, value] of Object.entries({
        client_id: settings.clientId,
        redirect_uri: pending.redirectUri,
        response_type: "code",
        scope: settings.scope,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: "S256",
      })) {
        url.searchParams.set(name, value);
      }
      host.storage.setItem(PENDING_KEY, JSON.stringify(pending));
      host.navigate(url.href);
    },

    /**
     * Handles the provider's answer in the page's address, if there is one: exchanges the code for tokens and
     * takes the answer out of the address. Resolves false when there was nothing to handle; throws what failed.
     */
    async completeSignIn(): Promise<boolean> {
      const current = new URL(host.url());
      if (!returning()) return false;
      const pending = takePending();
      const clean = new URL(current);
      for (const name of CALLBACK_PARAMS) clean.searchParams.delete(name);
      host.replaceUrl(clean.href);
      if (!pending) throw new Error("this sign-in was started too long ago or in another tab");
      const as = await server();
      const params = oauth.validateAuthResponse(as, client, current.searchParams, pending.state);
      const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, pending.redirectUri, pending.verifier, http);
      keep(
        await oauth.processAuthorizationCodeResponse(as, client, response, {
          ...(wantsIdToken ? { expectedNonce: pending.nonce, requireIdToken: true } : {}),
        }),
      );
      return true;
    },

    /** The access token for a write: refreshed first if it has expired and can be; undefined once the session is over. */
    async token(): Promise<string | undefined> {
      if (!tokens) return undefined;
      if (tokens.expiresAt === undefined || tokens.expiresAt - EXPIRY_SKEW_MS > host.now()) return tokens.accessToken;
      return renew();
    },

    renew,

    /** The API refused the token even after a renewal: the session is over. */
    rejected() {
      if (tokens || state.kind === "signed-in") forget("expired");
    },

    /**
     * Forgets the tokens, then ends the provider's session too where it offers a way (end_session_endpoint,
     * Cognito's /logout), which brings the browser back here; else the page simply stays, signed out.
     */
    async signOut(): Promise<void> {
      const idToken = tokens?.idToken;
      forget("signed-out");
      const as = await server().catch(() => undefined);
      const url = as && signOutUrl(as, settings.clientId, pageUrl(), idToken);
      if (url) host.navigate(url);
    },
  };
}

export type Session = ReturnType<typeof createSession>;
