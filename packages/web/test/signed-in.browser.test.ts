import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { authEnv } from "../../functions/src/host/auth-settings";
import { contentSecurityPolicy } from "../../functions/src/host/page-headers";
import { startOidcProvider, type TestOidcProvider } from "../../functions/test/support/oidc";
import { createApi, type Api } from "../src/api";
import { pageEnv } from "../src/config";
import { expectFocusRing, expectReadable, focusedName } from "./support/accessibility";
import { repoRoot, startApp, type RunningApp } from "./support/app-server";
import { launchChromium, skipBrowserTests } from "./support/chromium";
import { closedPort } from "./support/net";

const ARTIFACTS = join(repoRoot, "test-artifacts", "web", "signed-in");
const CLIENT_ID = "page";

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const text = (page: Page, selector: string) => page.locator(selector).textContent();
const rowNames = (page: Page) => page.locator("#rows tr .name").allTextContents();

/** npm start on `target`, seen through `port`, with `policy` for the page's Content-Security-Policy. */
async function policyProxy(port: number, target: number, policy: string) {
  const server = createServer((request, response) => {
    const upstream = httpRequest({ host: "127.0.0.1", port: target, path: request.url, method: request.method, headers: request.headers }, (answer) => {
      const headers = { ...answer.headers };
      if (headers["content-security-policy"]) headers["content-security-policy"] = policy;
      response.writeHead(answer.statusCode!, headers);
      answer.pipe(response);
    });
    upstream.on("error", () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** What a signed-out page must not offer: the add form, a delete button, a name field. */
async function offersNoWrite(page: Page) {
  expect(await page.locator("#add-form").isHidden()).toBe(true);
  expect(await page.getByRole("textbox", { name: "Name" }).count()).toBe(0);
  expect(await page.getByRole("button", { name: /^(Add|Delete)/ }).count()).toBe(0);
  const tree = await page.locator("body").ariaSnapshot();
  expect(tree).not.toMatch(/textbox "Name"|button "Delete|button "Add"/);
}

describe.skipIf(skipBrowserTests)("the page of a stage whose writes need signing in, against npm start and a real provider", () => {
  let idp: TestOidcProvider;
  let app: RunningApp;
  let browser: Browser;
  let pgliteDir: string;
  /** A script writing with the machine client's token: someone else's records. */
  let elsewhere: Api;
  /** The page's CSP where it signs in: its scripts call the issuer (discovery, token endpoint) too. */
  let pagePolicy: string;
  let npmStartAdmitsIssuer: boolean;
  /** Where the browser opens the page: npm start, or the proxy in front of it. */
  let site: string;
  let closeProxy = async () => {};
  const contexts: BrowserContext[] = [];
  const pageErrors: Error[] = [];

  async function openPage(): Promise<{ page: Page; writes: Request[] }> {
    const context = await browser.newContext();
    contexts.push(context);
    // The provider's development pages load a web font; this machine has no Internet to give it.
    await context.route((url) => url.hostname !== "127.0.0.1", (route) => route.abort());
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => pageErrors.push(error));
    const writes: Request[] = [];
    page.on("request", (request) => {
      if (request.url().startsWith(`${site}/data`) && request.method() !== "GET") writes.push(request);
    });
    await page.goto(site);
    await page.locator('#records[aria-busy="false"]').waitFor();
    return { page, writes };
  }

  /** Through the provider's own login page and back, as a person does. */
  async function signIn(page: Page, login: string) {
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.origin === idp.issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill("any password");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.waitForURL((url) => url.origin === site);
    await page.getByText(`Signed in as ${login}`).waitFor();
    await page.locator('#records[aria-busy="false"]').waitFor();
  }

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    pgliteDir = await mkdtemp(join(tmpdir(), "data-api-web-signed-in-"));
    // The page's address is the redirect URI the provider knows, so its port is chosen before either starts.
    const [port, proxyPort] = [await closedPort(), await closedPort()];
    const [direct, proxied] = [`http://127.0.0.1:${port}/`, `http://127.0.0.1:${proxyPort}/`];
    [idp, browser] = await Promise.all([
      startOidcProvider({ publicClients: [{ clientId: CLIENT_ID, redirectUris: [direct, proxied], postLogoutRedirectUris: [direct, proxied] }] }),
      launchChromium(),
    ]);
    app = await startApp(pgliteDir, port, {
      ...authEnv({ issuer: idp.issuer, audiences: [idp.audience] }),
      ...pageEnv({ apiUrl: "", auth: { issuer: idp.issuer, clientId: CLIENT_ID } }),
    });
    expect(`${app.url}/`).toBe(direct);
    pagePolicy = contentSecurityPolicy([new URL(idp.issuer).origin]);
    npmStartAdmitsIssuer = (await fetch(direct)).headers.get("content-security-policy") === pagePolicy;
    // Until npm start admits the issuer itself, the page is reached through a proxy that sends the policy it needs.
    if (npmStartAdmitsIssuer) site = app.url;
    else ({ url: site, close: closeProxy } = await policyProxy(proxyPort, port, pagePolicy));
    elsewhere = createApi(app.url, { auth: { token: () => idp.clientCredentials({ scope: "data/write" }) } });
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await closeProxy();
    await app?.stop();
    await idp?.close();
    if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
  });

  it("is served by npm start with the issuer's origin in connect-src", () => {
    // The page's scripts fetch the issuer's discovery document and call its token endpoint.
    expect(npmStartAdmitsIssuer, `npm start should send: ${pagePolicy}`).toBe(true);
  });

  it("signed out: lists the records, offers no write, and says to sign in", async () => {
    await elsewhere.add("Grace Hopper");
    const { page } = await openPage();
    expect(await rowNames(page)).toEqual(["Grace Hopper"]);
    await offersNoWrite(page);
    expect(await text(page, "#sign-in-text")).toBe("Sign in to add or delete records.");
    expect(await page.locator("#account").isHidden()).toBe(true);
    await page.keyboard.press("Tab");
    expect(await focusedName(page)).toBe("Sign in");
    await expectFocusRing(page);
    await expectReadable(page);
    await shot(page, "01-signed-out");
  });

  it("signs in at the provider, adds and deletes with the token, signs out, and then offers no write", async () => {
    const { page, writes } = await openPage();
    await signIn(page, "ada@example.com");

    // Back from the provider: its answer is out of the address bar, no token is stored anywhere, the form is open.
    expect(page.url()).toBe(`${site}/`);
    expect(await page.evaluate(() => [sessionStorage.length, localStorage.length, document.cookie])).toEqual([0, 0, ""]);
    expect(await focusedName(page)).toBe("Name");
    expect(await text(page, "#who")).toBe("Signed in as ada@example.com");

    await page.keyboard.type("Ada Lovelace");
    await page.keyboard.press("Enter");
    await page.getByText(/^Added “Ada Lovelace” as #\d+\.$/).waitFor();
    expect((await elsewhere.list()).items.map((item) => item.name)).toEqual(["Grace Hopper", "Ada Lovelace"]);
    await page.getByRole("textbox", { name: "Name" }).fill("Katherine Johnson");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByText(/^Added “Katherine Johnson”/).waitFor();
    await expectReadable(page);
    await shot(page, "02-signed-in");
    // The README's picture (docs/screenshot-signed-in.png), without the new rows' fading highlight.
    await page.emulateMedia({ reducedMotion: "reduce" });
    await page.screenshot({ path: join(ARTIFACTS, "screenshot-signed-in.png") });
    await page.emulateMedia({ reducedMotion: null });

    await page.getByRole("button", { name: "Delete “Katherine Johnson”" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByText("Deleted “Katherine Johnson”.").waitFor();
    expect((await elsewhere.list()).items.map((item) => item.name)).toEqual(["Grace Hopper", "Ada Lovelace"]);
    // Every write carried the access token the provider gave the page: a JWT for the API with its write scope.
    expect(writes.map((request) => request.method())).toEqual(["POST", "POST", "DELETE"]);
    const tokens = new Set(writes.map((request) => request.headers().authorization));
    expect(tokens.size).toBe(1);
    const [token] = [...tokens];
    const claims = JSON.parse(Buffer.from(token!.replace(/^Bearer /, "").split(".")[1]!, "base64url").toString());
    expect(claims).toMatchObject({ iss: idp.issuer, aud: idp.audience, sub: "ada@example.com", scope: "data/write" });

    await page.getByRole("button", { name: "Sign out" }).click();
    // The provider asks whether to end its session too, then sends the browser back.
    await page.getByRole("button", { name: "Yes, sign me out" }).click();
    await page.waitForURL(`${site}/`);
    await page.locator('#records[aria-busy="false"]').waitFor();
    expect(await rowNames(page)).toEqual(["Grace Hopper", "Ada Lovelace"]);
    await offersNoWrite(page);
    expect(await text(page, "#sign-in-text")).toBe("Sign in to add or delete records.");
    await shot(page, "03-signed-out-again");

    // The provider's session is over too: signing in asks for a login again.
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator('input[name="login"]').waitFor();
  });

  it("renews a refused token silently, and says so when the session is over, offering to sign in again", async () => {
    const { page, writes } = await openPage();
    await signIn(page, "grace@example.com");
    const input = page.getByRole("textbox", { name: "Name" });

    // The API refuses the token once (it expired on the way): the page refreshes it and retries the write.
    let refusals = 1;
    await page.route(`${site}/data`, (route) =>
      route.request().method() === "POST" && refusals-- > 0
        ? route.fulfill({ status: 401, contentType: "application/json", headers: { "www-authenticate": 'Bearer error="invalid_token"' }, body: '{"message":"Sign in again"}' })
        : route.fallback(),
    );
    await input.fill("Barbara Liskov");
    await input.press("Enter");
    await page.getByText(/^Added “Barbara Liskov”/).waitFor();
    const [first, retried] = writes.map((request) => request.headers().authorization);
    expect(retried).toBeDefined();
    expect(retried).not.toBe(first);
    expect(await text(page, "#who")).toBe("Signed in as grace@example.com");

    // Refused even after a refresh: the session is over.
    refusals = Infinity;
    await input.fill("Edsger Dijkstra");
    await input.press("Enter");
    await expect.poll(() => text(page, "#sign-in-text")).toBe("Your session has expired. Sign in again to add or delete records.");
    await offersNoWrite(page);
    expect(await page.locator("#account").isHidden()).toBe(true);
    expect(await focusedName(page)).toBe("Sign in");
    await expectReadable(page);
    await shot(page, "04-session-expired");

    // The provider still knows the person: signing in again is a round trip without a login form.
    await page.unroute(`${site}/data`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Signed in as grace@example.com").waitFor();
    await input.fill("Edsger Dijkstra");
    await input.press("Enter");
    await page.getByText(/^Added “Edsger Dijkstra”/).waitFor();
  });

  it("explains a sign-in the person cancelled at the provider", async () => {
    const { page } = await openPage();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.origin === idp.issuer);
    // The provider's own "Cancel": it sends the browser back with error=access_denied.
    await page.getByRole("link", { name: "[ Cancel ]" }).click();
    await page.waitForURL((url) => url.origin === site);
    await expect.poll(() => text(page, "#sign-in-text")).toBe("Sign-in was cancelled. Sign in again to add or delete records.");
    expect(page.url()).toBe(`${site}/`);
    await offersNoWrite(page);
    await writeFile(join(ARTIFACTS, "aria-snapshot-signed-out.yml"), await page.locator("body").ariaSnapshot());
  });
});
