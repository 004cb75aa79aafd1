/**
 * Driving a sign-in the page started, without a browser: for tests of the page's session against the real
 * provider of packages/functions/test/support/oidc.ts (whose own `signIn` makes its own authorization request).
 */

/** A cookie jar of one: enough for the provider's interaction cookies between requests of one sign-in. */
function cookieJar() {
  const cookies = new Map<string, string>();
  return {
    header: () => [...cookies].map(([name, value]) => `${name}=${value}`).join("; "),
    take(response: Response) {
      for (const line of response.headers.getSetCookie()) {
        const [pair = ""] = line.split(";");
        const at = pair.indexOf("=");
        cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
      }
    },
  };
}

/**
 * Goes through the provider's sign-in as a browser would, without one: from the authorization URL the page sent
 * the browser to, through the development login form, to the URL the provider sends the browser back to.
 */
export async function signInWithoutBrowser(authorizationUrl: string, login: string, returnTo: string): Promise<string> {
  const jar = cookieJar();
  let url = authorizationUrl;
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(returnTo)) return url;
    const response = await fetch(url, {
      method: body ? "POST" : "GET",
      headers: { cookie: jar.header(), ...(body && { "content-type": "application/x-www-form-urlencoded" }) },
      body,
      redirect: "manual",
    });
    jar.take(response);
    body = undefined;
    const location = response.headers.get("location");
    if (location) {
      url = new URL(location, url).href;
      continue;
    }
    const page = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    if (!action) throw new Error(`the provider answered ${response.status} without a form:\n${page.slice(0, 2000)}`);
    url = new URL(action.replaceAll("&amp;", "&"), url).href;
    body = new URLSearchParams({ prompt: /name="prompt" value="consent"/.test(page) ? "consent" : "login", login, password: "any" });
  }
  throw new Error("the sign-in did not come back within 20 hops");
}
