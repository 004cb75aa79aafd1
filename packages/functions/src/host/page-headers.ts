/**
 * The security headers of the web page (`/` and `/assets/*`), wherever it is served: `npm start` sets them, and the
 * CloudFront distribution's response headers policy (stacks/Web.ts) is built from the same values. No imports, so
 * that the stacks can import it.
 *
 * The built page (packages/web/dist) is one module script and one stylesheet under /assets and a `data:` icon; it
 * has no inline script or style, and calls only the API: its own origin under `npm start`, the API's origin in
 * the cloud.
 */
export function contentSecurityPolicy(apiOrigins: string[] = [], { inlineStyles = false } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    inlineStyles ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    // `<link rel="icon" href="data:,">`: no favicon request.
    "img-src 'self' data:",
    ["connect-src 'self'", ...apiOrigins].join(" "),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join("; ");
}

/**
 * The API reference (packages/web/reference.html): Scalar's bundle puts its styles in `<style>` elements and
 * `style` attributes, so that page alone may have inline styles. Its script is still only its own file, and it
 * fetches only the API's document.
 */
export const REFERENCE_PAGE = "/reference.html";
export const referencePolicy = (apiOrigins: string[] = []) => contentSecurityPolicy(apiOrigins, { inlineStyles: true });

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
