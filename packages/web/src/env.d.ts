/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's base URL, set at build time; empty for the page's own origin. */
  readonly VITE_API_URL?: string;
}
