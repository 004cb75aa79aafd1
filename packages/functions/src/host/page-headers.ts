/**
 * The security headers of the web page (`/` and `/assets/*`), wherever it is served: `npm start` sets them, and the
 * CloudFront distribution's response headers policy (stacks/Web.ts) is built from the same values. No imports, so
 * that the stacks can import it.
 *
 * The built page (packages/web/dist) is one module script and one stylesheet under /assets and a `data:` icon; it
 * has no inline script or style, and calls only the API: its own origin under `npm start`, the API's origin in
 * the cloud.
 */
export function contentSecurityPolicy(apiOrigins: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // `<link rel="icon" href="data:,">`: no favicon request.
    "img-src 'self' data:",
    ["connect-src 'self'", ...apiOrigins].join(" "),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join("; ");
}

export const PAGE_HEADERS = {
  "Content-Security-Policy": contentSecurityPolicy(),
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  // frame-ancestors says the same to current browsers; this is for the ones that predate it.
  "X-Frame-Options": "DENY",
} as const satisfies Record<string, string>;

/**
 * HSTS, two years, subdomains included: only where the page is served over HTTPS (CloudFront). A browser ignores
 * it over plain HTTP, and on http://localhost it would only be noise, so `npm start` does not send it.
 */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;
