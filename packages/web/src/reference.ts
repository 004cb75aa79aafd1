// Scalar's prebuilt browser bundle (about 1 MB gzipped), from npm: it defines window.Scalar. Imported only by
// this page's entry (reference.html), so the main page never loads it.
import "@scalar/api-reference/browser/standalone.js";

declare global {
  interface Window {
    Scalar: { createApiReference(target: string, configuration: Record<string, unknown>): unknown };
  }
}

// The API's document, where the API answers: its own origin in the cloud, this one under `npm start` (no
// VITE_API_URL). The build has checked the URL (vite.config.ts); config.ts's reader is not imported, so that the
// two pages share no chunk and the main page stays one script.
const apiBase = (import.meta.env.VITE_API_URL ?? "").trim().replace(/\/+$/, "");

window.Scalar.createApiReference("#reference", {
  url: `${apiBase}/openapi.json`,
  // Nothing from elsewhere (the CSP allows none): the fonts are the system's, and Scalar's own services (its AI
  // agent and registry, behind its proxy; its developer tools) are off.
  withDefaultFonts: false,
  hideClientButton: true,
  agent: { disabled: true },
  showDeveloperTools: "never",
});
