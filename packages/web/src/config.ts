/**
 * What SST's StaticSite hands the build instead of an API URL that CloudFormation knows only at deploy time (the
 * API Gateway URL of a stage without a custom domain): `{{ NAME }}` (sst/constructs/BaseSite.js,
 * getBuildCmdEnvironment). Its uploader replaces it in the built .html and .js files before they reach the bucket.
 */
export const DEPLOY_TIME_API_URL = "{{ VITE_API_URL }}";

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

/** The build's check of VITE_API_URL: a deploy-time placeholder passes, and the page checks what replaced it. */
export function checkBuildApiUrl(configured: string | undefined): void {
  if (configured === DEPLOY_TIME_API_URL) return;
  apiBaseUrl(configured);
}
