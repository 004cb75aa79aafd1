/**
 * A real OpenID Connect provider for tests: oidc-provider 8 (the certified Node implementation) on 127.0.0.1 and a
 * free port, issuing RS256-signed JWT access tokens for the API, shaped like Cognito's where it matters (`iss`,
 * `sub`, `client_id`, `scope` with `data/write`), and with an `aud`, as an RFC 9068 issuer gives it.
 *
 * ```ts
 * const idp = await startOidcProvider({ publicClients: [{ clientId: "page", redirectUris: ["http://127.0.0.1:4173/"] }] });
 * idp.issuer                                   // "http://127.0.0.1:<port>": AUTH_ISSUER, and its tokens' `iss`
 * idp.audience                                 // "data-api": AUTH_AUDIENCE, and its API tokens' `aud`
 * await idp.clientCredentials({ scope: "data/write" })      // the machine client's access token (sub: its client id)
 * await idp.clientCredentials({ resource: idp.otherResource }) // one for another API (aud "other-api")
 * await idp.clientCredentials({ ttlSeconds: 1 })            // one that expires in a second
 * await idp.signIn({ clientId: "page", redirectUri, scope: "openid data/write", login: "ada" }) // code + PKCE, as a browser
 * await idp.sign({ sub: "x", client_id: idp.audience, ... }) // any claims, signed with the provider's own key
 * await idp.forge(token)                       // the same token signed by a stranger's key (same `kid`)
 * await startOidcProvider({ signingKey: idp.signingKey })   // another issuer signing with the same key
 * await idp.close()
 * ```
 *
 * Clients:
 * - `machine` (confidential, `client_secret_basic`): the client-credentials grant, as the smoke test's machine
 *   client. `scope` picks among the API's scopes (`data/write`, `data/read`); none asked, none granted.
 * - each of `publicClients` (no secret, PKCE S256 required, `authorization_code` and `refresh_token`), for a page:
 *   the authorization endpoint shows oidc-provider's development login form (any login, any password; the login
 *   becomes `sub`) and then redirects to the given redirect URI with `code`, `state` and `iss`. No consent screen
 *   (as Cognito's hosted UI): every scope it asks of the API is granted. It needs no `resource` parameter: the
 *   API's tokens are the default, so a Cognito-style `scope=openid data/write` is enough. Refresh tokens are
 *   issued with every code, and every origin may call the token endpoint (CORS).
 * Endpoints are in `discovery` (from `/.well-known/openid-configuration`); sessions end at `/session/end`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { CompactSign, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from "jose";
import Provider, { errors, type Configuration } from "oidc-provider";

export interface PublicClient {
  clientId: string;
  /** Where the authorization endpoint may send the browser back (exact match). */
  redirectUris: string[];
  /** Where the end-session endpoint may send it after signing out. */
  postLogoutRedirectUris?: string[];
}

export interface OidcProviderOptions {
  /** The `aud` of the API's tokens (default "data-api"). */
  audience?: string;
  /** The scopes the API defines (default data/write, data/read). */
  apiScopes?: string[];
  /** Lifetime of access tokens in seconds (default 300). */
  accessTokenTtlSeconds?: number;
  /** Clients for the authorization code flow with PKCE: a page. */
  publicClients?: PublicClient[];
  /** The private RS256 JWK (with a `kid`) to sign with; a fresh key unless given (pass another provider's `signingKey`). */
  signingKey?: JWK;
}

/** The token endpoint's answer. */
export interface TokenSet {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  id_token?: string;
  refresh_token?: string;
}

export interface SignInOptions {
  clientId: string;
  redirectUri: string;
  /** Default "openid data/write". */
  scope?: string;
  /** The login typed into the form, which becomes the token's `sub` (default "ada"). */
  login?: string;
}

export interface TestOidcProvider {
  /** Its URL, without a trailing slash: AUTH_ISSUER, and the `iss` of its tokens. */
  issuer: string;
  /** The `aud` of tokens for the API: AUTH_AUDIENCE. */
  audience: string;
  /** The API's resource indicator (RFC 8707), the default one. */
  resource: string;
  /** Another API's resource indicator, whose tokens have `aud` "other-api". */
  otherResource: string;
  /** The confidential client of the client-credentials grant. */
  machine: { clientId: string; clientSecret: string };
  /** Its discovery document. */
  discovery: Record<string, unknown> & { authorization_endpoint: string; token_endpoint: string; jwks_uri: string };
  /** The private key it signs with. */
  signingKey: JWK;
  /** An access token of the machine client, from the token endpoint. */
  clientCredentials(options?: { scope?: string; resource?: string; ttlSeconds?: number }): Promise<string>;
  /** The authorization code flow with PKCE for a public client, driven as a browser drives it; the token endpoint's answer. */
  signIn(options: SignInOptions): Promise<TokenSet>;
  /** A JWT with these claims (none added), signed with the provider's key and `kid`: for shapes it does not issue (Cognito's, without `aud`). */
  sign(claims: JWTPayload): Promise<string>;
  /** `token`'s header and claims, signed by a key of nobody's: a signature the issuer never made. */
  forge(token: string): Promise<string>;
  close(): Promise<void>;
}

const DEFAULT_AUDIENCE = "data-api";
const OTHER_AUDIENCE = "other-api";
// Only the test's own calls send it: how long the one token asked for may live.
const TTL_HEADER = "x-test-access-token-ttl";

const base64url = (bytes: Buffer) => bytes.toString("base64url");

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: base64url(randomBytes(8)), alg: "RS256", use: "sig" };
}

/** Runs `build` without oidc-provider's development notices (devInteractions, cookie keys) in the test output. */
function quietly<T>(build: () => T): T {
  const { warn, info } = console;
  const keep =
    (print: (...args: unknown[]) => void) =>
    (...args: unknown[]) => {
      if (!String(args[0]).includes("oidc-provider")) print(...args);
    };
  console.warn = keep(warn);
  console.info = keep(info);
  try {
    return build();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}

/** The cookies of a browser, for one origin: enough for oidc-provider's interaction and session cookies. */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (value === "" || /expires=Thu, 01 Jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

/** Starts the provider; `close` stops it. */
export async function startOidcProvider(options: OidcProviderOptions = {}): Promise<TestOidcProvider> {
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  const apiScopes = (options.apiScopes ?? ["data/write", "data/read"]).join(" ");
  const ttl = options.accessTokenTtlSeconds ?? 300;
  const signingKey = options.signingKey ?? (await newSigningKey());
  const machine = { clientId: "machine", clientSecret: base64url(randomBytes(24)) };
  const publicClients = options.publicClients ?? [];

  // Listening first: the issuer's URL names the port.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const resource = `${issuer}/api/data`;
  const otherResource = `${issuer}/api/other`;
  const apis: Record<string, { audience: string; scope: string }> = {
    [resource]: { audience, scope: apiScopes },
    [otherResource]: { audience: OTHER_AUDIENCE, scope: apiScopes },
  };

  const apiTokenTtl = (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? ttl;
  const configuration: Configuration = {
    clients: [
      {
        client_id: machine.clientId,
        client_secret: machine.clientSecret,
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: "client_secret_basic",
      },
      ...publicClients.map((client) => ({
        client_id: client.clientId,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        redirect_uris: client.redirectUris,
        post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
        token_endpoint_auth_method: "none",
      })),
    ],
    jwks: { keys: [signingKey] },
    // Each lifetime said, so oidc-provider prints no notice about its defaults; an API's token lives as its resource server says.
    ttl: {
      AccessToken: apiTokenTtl,
      ClientCredentials: apiTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3_600,
      Interaction: 600,
      Grant: 86_400,
      Session: 86_400,
      RefreshToken: 86_400,
    },
    cookies: { keys: [base64url(randomBytes(32))] },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => (oneOf ? oneOf[0]! : resource),
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, indicator) => {
          const api = apis[indicator];
          if (!api) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
          const asked = Number(ctx.get(TTL_HEADER));
          return {
            ...api,
            accessTokenFormat: "jwt",
            accessTokenTTL: Number.isInteger(asked) && asked > 0 ? asked : ttl,
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
    },
    // A first-party page, as with Cognito's hosted UI: no consent screen, what it asks of the API is granted.
    loadExistingGrant: async (ctx) => {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId });
      grant.addOIDCScope("openid offline_access");
      grant.addResourceScope(resource, apiScopes);
      await grant.save();
      return grant;
    },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    clientBasedCORS: () => true,
  };
  const provider = quietly(() => new Provider(issuer, configuration));
  handler = provider.callback();

  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as TestOidcProvider["discovery"];

  async function token(body: URLSearchParams, headers: Record<string, string> = {}): Promise<TokenSet> {
    const response = await fetch(discovery.token_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body,
    });
    const answer = (await response.json()) as TokenSet & { error?: string; error_description?: string };
    if (!response.ok) throw new Error(`token endpoint: ${response.status} ${answer.error}: ${answer.error_description}`);
    return answer;
  }

  const stranger = await newSigningKey();

  return {
    issuer,
    audience,
    resource,
    otherResource,
    machine,
    discovery,
    signingKey,

    async clientCredentials({ scope, resource: indicator = resource, ttlSeconds } = {}) {
      const body = new URLSearchParams({ grant_type: "client_credentials", resource: indicator });
      if (scope !== undefined) body.set("scope", scope);
      const basic = Buffer.from(`${machine.clientId}:${machine.clientSecret}`).toString("base64");
      const answer = await token(body, { authorization: `Basic ${basic}`, ...(ttlSeconds !== undefined && { [TTL_HEADER]: String(ttlSeconds) }) });
      return answer.access_token;
    },

    async signIn({ clientId, redirectUri, scope = "openid data/write", login = "ada" }) {
      const jar = new CookieJar();
      const visit = async (url: string, init: RequestInit = {}) => {
        const response = await fetch(new URL(url, issuer), {
          ...init,
          redirect: "manual",
          headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
        });
        jar.take(response);
        return response;
      };
      const verifier = base64url(randomBytes(32));
      const state = base64url(randomBytes(16));
      const authorization = new URL(discovery.authorization_endpoint);
      authorization.search = new URLSearchParams({
        client_id: clientId,
        redirect_uri: redirectUri,
        response_type: "code",
        scope,
        state,
        code_challenge: base64url(createHash("sha256").update(verifier).digest()),
        code_challenge_method: "S256",
      }).toString();

      // The authorization endpoint sends the browser to the login form, whose post leads back to it, then to the page.
      let response = await visit(authorization.href);
      let location = response.headers.get("location");
      for (let step = 0; location && !location.startsWith(redirectUri); step++) {
        if (step > 10) throw new Error(`sign-in: too many redirects, at ${location}`);
        response = await visit(location);
        const page = await response.text();
        const form = /<form[^>]*action="([^"]+)"/.exec(page);
        if (response.status === 200 && form) {
          response = await visit(form[1]!, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ prompt: "login", login, password: "any" }),
          });
        }
        location = response.headers.get("location");
      }
      if (!location) throw new Error(`sign-in: the provider answered ${response.status} instead of redirecting to ${redirectUri}`);
      const back = new URL(location);
      if (back.searchParams.get("state") !== state) throw new Error(`sign-in: state lost, at ${location}`);
      const code = back.searchParams.get("code");
      if (!code) throw new Error(`sign-in: ${back.searchParams.get("error")}: ${back.searchParams.get("error_description")}`);
      return token(
        new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier }),
      );
    },

    async sign(claims) {
      return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: signingKey.kid, typ: "at+jwt" }).sign(await importJWK(signingKey, "RS256"));
    },

    async forge(original) {
      const [, payload] = original.split(".");
      return new CompactSign(Buffer.from(payload!, "base64url"))
        .setProtectedHeader(decodeProtectedHeader(original) as { alg: string })
        .sign(await importJWK(stranger, "RS256"));
    },

    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
