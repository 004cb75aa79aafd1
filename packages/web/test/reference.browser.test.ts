import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_PAGE, referencePolicy } from "../../functions/src/host/page-headers";
import { repoRoot, startApp, type RunningApp } from "./support/app-server";
import { launchChromium, skipBrowserTests } from "./support/chromium";

const ARTIFACTS = join(repoRoot, "test-artifacts", "web");

describe.skipIf(skipBrowserTests)("the API reference page in headless Chromium, against npm start", { timeout: 60_000 }, () => {
  let app: RunningApp;
  let browser: Browser;
  let pgliteDir: string;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    pgliteDir = await mkdtemp(join(tmpdir(), "data-api-reference-"));
    [app, browser] = await Promise.all([startApp(pgliteDir), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
  });

  it("is linked from the main page and shows every operation of the document, under its CSP, asking nothing of another origin", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const requests: string[] = [];
    const refused: string[] = [];
    const errors: Error[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("pageerror", (error) => errors.push(error));
    page.on("console", (message) => {
      if (/Content Security Policy/.test(message.text())) refused.push(message.text());
    });

    await page.goto(app.url);
    await page.getByRole("link", { name: "API reference" }).click();
    await page.waitForURL(`${app.url}${REFERENCE_PAGE}`);
    const response = await page.reload();
    expect(response?.headers()["content-security-policy"]).toBe(referencePolicy());

    await page.getByRole("heading", { name: "data-api" }).first().waitFor();
    const sidebar = page.getByRole("navigation").first();
    for (const summary of ["List records, ordered by id, a page at a time", "Add a record", "Delete a record"]) {
      await sidebar.getByText(summary, { exact: true }).waitFor();
    }
    await sidebar.getByText("service", { exact: true }).click();
    for (const summary of ["Whether the records can be served", "This document"]) await sidebar.getByText(summary, { exact: true }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "reference.png") });
    expect(requests.some((url) => url === `${app.url}/openapi.json`)).toBe(true);
    expect(requests.filter((url) => !url.startsWith(app.url) && !url.startsWith("data:"))).toEqual([]);
    // Scalar probes for eval in a try (new Function): the one refusal the page may see; styles must all apply.
    expect(refused.filter((text) => !/unsafe-eval/.test(text))).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
