import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startOidcProvider, type TestOidcProvider } from "../../functions/test/support/oidc";
import { authSettings } from "../src/config";
import {
  createSession,
  describeSignInError,
  displayName,
  EXPIRY_SKEW_MS,
  PENDING_KEY,
  signOutUrl,
  type SessionHost,
  type SessionState,
} from "../src/session";
import { signInWithoutBrowser } from "./support/sign-in";

const PAGE = "http://127.0.0.1:5999/";
const CLIENT_ID = "page";
const ACCESS_TOKEN_TTL = 300;

/** The browser as the session sees it: an address bar, sessionStorage, a clock, and where it was sent. */
interface FakeBrowser {
  address: string;
  replaced: string[];
  navigated: string[];
  clock: number;
  stored: Map<string, string>;
  host: SessionHost;
}

function fakeBrowser(start = `${PAGE}#records`): FakeBrowser {
  const stored = new Map<string, string>();
  const browser: FakeBrowser = {
    address: start,
    replaced: [],
    navigated: [],
    clock: Date.now(),
    stored,
    host: {
      storage: {
        getItem: (key: string) => stored.get(key) ?? null,
        setItem: (key: string, value: string) => void stored.set(key, value),
        removeItem: (key: string) => void stored.delete(key),
      },
      url: () => browser.address,
      replaceUrl: (url: string) => {
        browser.replaced.push(url);
        browser.address = url;
      },
      navigate: (url: string) => void browser.navigated.push(url),
      now: () => browser.clock,
    } satisfies SessionHost,
  };
  return browser;
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString());

let issuer: TestOidcProvider;

const startIssuer = () =>
  startOidcProvider({
    accessTokenTtlSeconds: ACCESS_TOKEN_TTL,
    publicClients: [{ clientId: CLIENT_ID, redirectUris: [PAGE], postLogoutRedirectUris: [PAGE] }],
  });

beforeAll(async () => {
  issuer = await startIssuer();
});

afterAll(async () => {
  await issuer?.close();
});

const settingsOf = (provider: TestOidcProvider) => authSettings({ VITE_AUTH_ISSUER: provider.issuer, VITE_AUTH_CLIENT_ID: CLIENT_ID })!;

/** Signs in through the real provider: the page's redirect, the provider's login, the page's return. */
async function signedIn(login = "ada@example.com", provider = issuer) {
  const browser = fakeBrowser();
  const session = createSession(settingsOf(provider), browser.host);
  const states: SessionState[] = [];
  session.subscribe((state) => states.push(state));
  await session.signIn();
  browser.address = await signInWithoutBrowser(browser.navigated.pop()!, login, PAGE);
  expect(await session.completeSignIn()).toBe(true);
  return { browser, session, states };
}

describe("signing in: authorization code with PKCE against a real provider", () => {
  it("sends the browser to the provider with PKCE, state and nonce, keeping only those for the round trip", async () => {
    const browser = fakeBrowser(`${PAGE}?view=all#records`);
    const session = createSession(settingsOf(issuer), browser.host);
    await session.signIn();

    const [sent] = browser.navigated;
    const url = new URL(sent!);
    expect(`${url.origin}${url.pathname}`).toBe(issuer.discovery.authorization_endpoint);
    const pending = JSON.parse(browser.stored.get(PENDING_KEY)!);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: CLIENT_ID,
      redirect_uri: PAGE,
      response_type: "code",
      scope: "openid data/write",
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: "S256",
    });
    expect([...browser.stored.keys()]).toEqual([PENDING_KEY]);
    expect(session.state()).toEqual({ kind: "signed-out" });
  });

  it("exchanges the code, says who signed in, keeps the tokens in memory only, and cleans the address", async () => {
    const { browser, session, states } = await signedIn();
    expect(states).toEqual([{ kind: "signed-in", user: "ada@example.com" }]);
    expect(browser.stored.size).toBe(0);
    // The provider's answer is out of the address bar (a reload must not replay the code); the rest stays.
    expect(browser.replaced).toEqual([`${PAGE}`]);
    const token = await session.token();
    expect(claimsOf(token!)).toMatchObject({ iss: issuer.issuer, aud: issuer.audience, sub: "ada@example.com", scope: "data/write" });
  });

  it("keeps the page's own query and fragment when it cleans the address", async () => {
    const browser = fakeBrowser(`${PAGE}?view=all#records`);
    const session = createSession(settingsOf(issuer), browser.host);
    await session.signIn();
    const back = new URL(await signInWithoutBrowser(browser.navigated.pop()!, "grace", PAGE));
    browser.address = `${PAGE}?view=all&${back.searchParams}#records`;
    await session.completeSignIn();
    expect(browser.address).toBe(`${PAGE}?view=all#records`);
    expect(session.state()).toEqual({ kind: "signed-in", user: "grace" });
  });

  it("has nothing to do on a plain visit", async () => {
    const browser = fakeBrowser(`${PAGE}?state=x`);
    const session = createSession(settingsOf(issuer), browser.host);
    expect(session.returning()).toBe(false);
    expect(await session.completeSignIn()).toBe(false);
    expect(browser.replaced).toEqual([]);
  });

  it("refuses an answer to another sign-in (state mismatch), and one it no longer expects", async () => {
    const browser = fakeBrowser();
    const session = createSession(settingsOf(issuer), browser.host);
    await session.signIn();
    const back = await signInWithoutBrowser(browser.navigated.pop()!, "mallory", PAGE);
    const forged = new URL(back);
    forged.searchParams.set("state", "someone-elses");
    browser.address = forged.href;
    await expect(session.completeSignIn()).rejects.toThrow(/state/);
    expect(session.state()).toEqual({ kind: "signed-out" });

    // The round trip's secrets were used up: the same answer again is no longer expected.
    browser.address = back;
    await expect(session.completeSignIn()).rejects.toThrow(/started too long ago or in another tab/);
    expect(browser.address).toBe(PAGE);
  });

  it("drops a round trip started too long ago", async () => {
    const browser = fakeBrowser();
    const session = createSession(settingsOf(issuer), browser.host);
    await session.signIn();
    const back = await signInWithoutBrowser(browser.navigated.pop()!, "ada", PAGE);
    browser.clock += 16 * 60_000;
    browser.address = back;
    await expect(session.completeSignIn()).rejects.toThrow(/too long ago/);
  });

  it("explains a refusal by the provider", async () => {
    const browser = fakeBrowser();
    const session = createSession(settingsOf(issuer), browser.host);
    await session.signIn();
    const { state } = JSON.parse(browser.stored.get(PENDING_KEY)!);
    browser.address = `${PAGE}?error=access_denied&state=${state}&iss=${encodeURIComponent(issuer.issuer)}`;
    const error = await session.completeSignIn().catch((failure: unknown) => failure);
    expect(describeSignInError(error)).toBe("Sign-in was cancelled. Sign in again to add or delete records.");
    expect(browser.address).toBe(PAGE);
  });

  it("says when the provider cannot be reached", async () => {
    const browser = fakeBrowser();
    const session = createSession({ ...settingsOf(issuer), issuer: "http://127.0.0.1:9/" }, browser.host);
    const error = await session.signIn().catch((failure: unknown) => failure);
    expect(describeSignInError(error)).toBe("Cannot reach the sign-in service. Check your connection, then try again.");
    expect(browser.navigated).toEqual([]);
  });
});

describe("the session's tokens", () => {
  it("refreshes an expired access token silently with the refresh token", async () => {
    const { browser, session, states } = await signedIn();
    const first = await session.token();
    browser.clock += ACCESS_TOKEN_TTL * 1000 - EXPIRY_SKEW_MS + 1;
    const second = await session.token();
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(claimsOf(second!)).toMatchObject({ sub: "ada@example.com", scope: "data/write" });
    expect(states.at(-1)).toEqual({ kind: "signed-in", user: "ada@example.com" });
    // Asked again before it expires: the same token, no request.
    expect(await session.token()).toBe(second);
  });

  it("renews once for concurrent callers", async () => {
    const { session } = await signedIn();
    const [a, b] = await Promise.all([session.renew(), session.renew()]);
    expect(a).toBeDefined();
    expect(a).toBe(b);
  });

  it("expires without a refresh token", async () => {
    // A provider that gives none (a Cognito app client may not): the token endpoint's answer without it.
    const realFetch = globalThis.fetch;
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const response = await realFetch(input, init);
      if (String(input) !== issuer.discovery.token_endpoint) return response;
      const { refresh_token: _dropped, ...body } = await response.json();
      return Response.json(body, { status: response.status, headers: { "cache-control": "no-store" } });
    });
    try {
      const { browser, session } = await signedIn();
      browser.clock += 3_600_000;
      expect(await session.token()).toBeUndefined();
      expect(session.state()).toEqual({ kind: "expired" });
    } finally {
      spy.mockRestore();
    }
  });

  it("expires when the refresh is refused", async () => {
    const { session } = await signedIn();
    await issuer.close();
    try {
      expect(await session.renew()).toBeUndefined();
      expect(session.state()).toEqual({ kind: "expired" });
    } finally {
      issuer = await startIssuer();
    }
  });

  it("expires when the API refuses the token even after a renewal", async () => {
    const { session, states } = await signedIn();
    session.rejected();
    expect(states.at(-1)).toEqual({ kind: "expired" });
    expect(await session.token()).toBeUndefined();
  });

  it("signs out: forgets the tokens and ends the provider's session, coming back to the page", async () => {
    const { browser, session, states } = await signedIn();
    await session.signOut();
    expect(states.at(-1)).toEqual({ kind: "signed-out" });
    expect(await session.token()).toBeUndefined();
    const url = new URL(browser.navigated.pop()!);
    expect(`${url.origin}${url.pathname}`).toBe(issuer.discovery.end_session_endpoint);
    expect(url.searchParams.get("client_id")).toBe(CLIENT_ID);
    expect(url.searchParams.get("post_logout_redirect_uri")).toBe(PAGE);
    expect(claimsOf(url.searchParams.get("id_token_hint")!)).toMatchObject({ sub: "ada@example.com", aud: CLIENT_ID });
  });
});

describe("signOutUrl", () => {
  const cognito = {
    issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc",
    authorization_endpoint: "https://data-api-prod.auth.eu-west-1.amazoncognito.com/oauth2/authorize",
  };

  it("uses Cognito's /logout, which its discovery document does not name", () => {
    expect(signOutUrl(cognito, "page-client", "https://data.example.com/")).toBe(
      "https://data-api-prod.auth.eu-west-1.amazoncognito.com/logout?client_id=page-client&logout_uri=https%3A%2F%2Fdata.example.com%2F",
    );
  });

  it("uses the end_session_endpoint of any other provider, or nothing when it has none", () => {
    const other = { issuer: "https://id.example.com", end_session_endpoint: "https://id.example.com/logout?tenant=1" };
    expect(signOutUrl(other, "c", "https://data.example.com/", "id.token")).toBe(
      "https://id.example.com/logout?tenant=1&client_id=c&post_logout_redirect_uri=https%3A%2F%2Fdata.example.com%2F&id_token_hint=id.token",
    );
    expect(signOutUrl({ issuer: "https://id.example.com" }, "c", "https://data.example.com/")).toBeUndefined();
  });
});

describe("displayName", () => {
  it("prefers the email, then the name, then a username, then the subject", () => {
    const base = { iss: "i", aud: "a", iat: 0, exp: 0, sub: "8d1f-42" };
    expect(displayName({ ...base, email: "ada@example.com", name: "Ada" })).toBe("ada@example.com");
    expect(displayName({ ...base, name: " Ada Lovelace " })).toBe("Ada Lovelace");
    expect(displayName({ ...base, "cognito:username": "ada" })).toBe("ada");
    expect(displayName({ ...base, email: "" })).toBe("8d1f-42");
    expect(displayName(undefined)).toBeUndefined();
  });
});
