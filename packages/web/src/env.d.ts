/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's base URL, set at build time; empty for the page's own origin. */
  readonly VITE_API_URL?: string;
  /** The OpenID issuer to sign in with, on a stage whose writes need it; absent on a public stage. */
  readonly VITE_AUTH_ISSUER?: string;
  /** The page's public client id at that issuer. */
  readonly VITE_AUTH_CLIENT_ID?: string;
  /** The scopes to ask for (config.ts DEFAULT_AUTH_SCOPE when absent). */
  readonly VITE_AUTH_SCOPE?: string;
}
