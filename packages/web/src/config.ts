// A type-only import: vite.config.ts loads this file with Node, which cannot load core's TypeScript, and the
// compiler still holds the default scope to the API's.
import type { WRITE_SCOPE } from "@data-api/core/access";

/**
 * The page's build-time settings, read from `import.meta.env`. stacks/Web.ts writes them with `pageEnv`, the build
 * checks them (vite.config.ts, `checkBuildEnv`), the page reads them (`apiBaseUrl`, `authSettings`).
 *
 * A value that CloudFormation knows only at deploy time reaches the build as SST's placeholder `{{ NAME }}`
 * (sst/constructs/BaseSite.js, getBuildCmdEnvironment); its uploader replaces it in the built .html and .js files
 * before they reach the bucket. So the build lets each variable's own placeholder through, and the page checks what
 * replaced it. Nothing here that names a placeholder may reach the page's bundle: the uploader would replace it too.
 */
export interface PageBuildEnv {
  /** The API's base URL; empty for the page's own origin. */
  VITE_API_URL?: string;
  /** The OpenID issuer the page signs in with; absent on a stage whose writes are public. */
  VITE_AUTH_ISSUER?: string;
  /** The page's own (public, secretless) client at that issuer. */
  VITE_AUTH_CLIENT_ID?: string;
  /** The scopes the page asks for; `DEFAULT_AUTH_SCOPE` when absent. */
  VITE_AUTH_SCOPE?: string;
}

export type PageVariable = keyof PageBuildEnv;

/** SST's stand-in for a variable whose value CloudFormation resolves at deploy time. */
export const deployTimeValue = (name: PageVariable) => `{{ ${name} }}`;

export const DEPLOY_TIME_API_URL = deployTimeValue("VITE_API_URL");

/** An ID token to say who is signed in, and the API's write scope. */
export const DEFAULT_AUTH_SCOPE = "openid data/write" satisfies `openid ${(typeof WRITE_SCOPE)["full"]}`;

/**
 * The API's base URL, from VITE_API_URL at build time: the API's own domain in the cloud, or empty for the
 * page's own origin (`npm start` serves both). Checked by the build too, so a typo fails the deploy, not the page.
 */
export function apiBaseUrl(configured: string | undefined): string {
  const value = configured?.trim() ?? "";
  if (value === "") return "";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`VITE_API_URL must be an absolute http(s) URL, got "${value}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`VITE_API_URL must use http or https, got "${value}"`);
  }
  if (url.search || url.hash) throw new Error(`VITE_API_URL must not carry a query or fragment, got "${value}"`);
  return url.href.replace(/\/+$/, "");
}

export interface AuthSettings {
  /** The issuer identifier, exactly as its discovery document and its tokens spell it. */
  issuer: string;
  clientId: string;
  /** Space-separated, each scope once. */
  scope: string;
  /** Plain http, which only a provider on this machine may use (a test's, `npm start`'s). */
  insecure: boolean;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * How the page signs in, from VITE_AUTH_*: undefined without an issuer (a stage whose writes are public: no
 * sign-in at all). Throws, naming the variable, for what cannot work.
 */
export function authSettings(env: PageBuildEnv): AuthSettings | undefined {
  const issuer = env.VITE_AUTH_ISSUER?.trim() ?? "";
  const clientId = env.VITE_AUTH_CLIENT_ID?.trim() ?? "";
  if (issuer === "") {
    if (clientId !== "") throw new Error("VITE_AUTH_CLIENT_ID is set but VITE_AUTH_ISSUER is not: set both, or neither");
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`VITE_AUTH_ISSUER must be an absolute https URL, got "${issuer}"`);
  }
  const insecure = url.protocol === "http:" && LOOPBACK.has(url.hostname);
  if (url.protocol !== "https:" && !insecure) {
    throw new Error(`VITE_AUTH_ISSUER must use https (plain http only on localhost), got "${issuer}"`);
  }
  if (url.search || url.hash) throw new Error(`VITE_AUTH_ISSUER must not carry a query or fragment, got "${issuer}"`);
  if (clientId === "") throw new Error("VITE_AUTH_ISSUER is set but VITE_AUTH_CLIENT_ID is not: set the page's client id");
  if (/\s/.test(clientId)) throw new Error(`VITE_AUTH_CLIENT_ID must not contain spaces, got "${clientId}"`);
  const scopes = (env.VITE_AUTH_SCOPE ?? "").split(/\s+/).filter(Boolean);
  const scope = [...new Set(scopes.length > 0 ? scopes : DEFAULT_AUTH_SCOPE.split(" "))].join(" ");
  return { issuer, clientId, scope, insecure };
}

/**
 * The build's check of every VITE_* setting: each variable's own deploy-time placeholder passes (the page checks
 * what replaces it), every other value is checked as the page will.
 */
export function checkBuildEnv(env: PageBuildEnv): void {
  const concrete = (name: PageVariable) => {
    const value = env[name];
    // A stand-in that is present: only its presence can be checked now.
    return value === deployTimeValue(name) ? "placeholder" : value;
  };
  const api = concrete("VITE_API_URL");
  if (api !== "placeholder") apiBaseUrl(api);
  const issuer = concrete("VITE_AUTH_ISSUER");
  const clientId = concrete("VITE_AUTH_CLIENT_ID");
  const scope = concrete("VITE_AUTH_SCOPE");
  authSettings({
    VITE_AUTH_ISSUER: issuer === "placeholder" ? "https://issuer.invalid" : issuer,
    VITE_AUTH_CLIENT_ID: clientId === "placeholder" ? "placeholder" : clientId,
    VITE_AUTH_SCOPE: scope === "placeholder" ? undefined : scope,
  });
}

export interface PageEnvInput {
  /** The API's base URL (a CloudFormation token in the stacks). */
  apiUrl: string;
  /** How the page signs in; absent on a stage whose writes are public. Values may be CloudFormation tokens. */
  auth?: { issuer: string; clientId: string; scope?: string };
}

/**
 * The page's build environment, for StaticSite's `environment` (stacks/Web.ts): the one place that spells the
 * variables' names. Values are passed through as given, since tokens can only be checked by the build.
 */
export function pageEnv({ apiUrl, auth }: PageEnvInput): { VITE_API_URL: string } & Partial<Record<PageVariable, string>> {
  if (!auth) return { VITE_API_URL: apiUrl };
  return {
    VITE_API_URL: apiUrl,
    VITE_AUTH_ISSUER: auth.issuer,
    VITE_AUTH_CLIENT_ID: auth.clientId,
    VITE_AUTH_SCOPE: auth.scope ?? DEFAULT_AUTH_SCOPE,
  };
}
