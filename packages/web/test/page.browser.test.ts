import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApi, PAGE_SIZE, type Api } from "../src/api";
import { expectFocusRing, expectReadable, focusedName } from "./support/accessibility";
import { repoRoot, startApp, type RunningApp } from "./support/app-server";
import { launchChromium, skipBrowserTests } from "./support/chromium";

const ARTIFACTS = join(repoRoot, "test-artifacts", "web");

const rowsOf = (page: Page) =>
  page.locator("#rows tr").evaluateAll((rows) =>
    rows.map((row) => ({ id: Number((row as HTMLElement).dataset.id), name: row.querySelector(".name")?.textContent ?? "" })),
  );

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const text = (page: Page, selector: string) => page.locator(selector).textContent();

describe.skipIf(skipBrowserTests)("the page in headless Chromium, against npm start", () => {
  let app: RunningApp;
  let browser: Browser;
  let pgliteDir: string;
  let version: string;
  /** The API used directly, as another client (another tab, a script) would. */
  let elsewhere: Api;
  const contexts: BrowserContext[] = [];
  const pageErrors: Error[] = [];

  async function openPage(options: Parameters<Browser["newContext"]>[0] = {}): Promise<Page> {
    const context = await browser.newContext(options);
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => pageErrors.push(error));
    await page.goto(app.url);
    await page.locator('#records[aria-busy="false"]').waitFor();
    return page;
  }

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    pgliteDir = await mkdtemp(join(tmpdir(), "data-api-web-"));
    version = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")).version;
    [app, browser] = await Promise.all([
      startApp(pgliteDir),
      launchChromium(),
    ]);
    elsewhere = createApi(app.url);
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
  });

  it("shows a loading state, then the empty state and the health badge, on a fresh database", async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route((url) => url.pathname === "/data", async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(app.url);
    await page.getByText("Loading records…").waitFor();
    expect(await page.getAttribute("#records", "aria-busy")).toBe("true");
    await shot(page, "01-loading");

    release();
    await page.getByText("No records yet. Add the first name above.").waitFor();
    expect(await page.getAttribute("#records", "aria-busy")).toBe("false");
    expect(await page.isHidden("#table")).toBe(true);
    await expect.poll(() => text(page, "#health")).toBe(`local · ${version} · database ok`);
    expect(await page.getAttribute("#health", "data-tone")).toBe("ok");
    await expectReadable(page);
    await shot(page, "02-empty");
  });

  it("adds two names and lists them without reloading the page", async () => {
    const page = await openPage();
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const input = page.getByRole("textbox", { name: "Name" });

    await input.fill("Ada Lovelace");
    await input.press("Enter");
    await page.getByText(/^Added “Ada Lovelace” as #\d+\.$/).waitFor();
    await input.fill("Grace Hopper");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByText(/^Added “Grace Hopper” as #\d+\.$/).waitFor();

    const stored = await elsewhere.list();
    expect(stored.items.map((item) => item.name)).toEqual(["Ada Lovelace", "Grace Hopper"]);
    expect(await rowsOf(page)).toEqual(stored.items);
    expect(await text(page, "#summary")).toBe("2 records");
    expect(await input.inputValue()).toBe("");
    expect(await page.evaluate(() => "sameDocument" in window)).toBe(true);
    await shot(page, "03-listed");
  });

  it("checks a name in place, before any request", async () => {
    const page = await openPage();
    const posts: string[] = [];
    page.on("request", (request) => request.method() === "POST" && posts.push(request.url()));
    const input = page.getByRole("textbox", { name: "Name" });

    await input.fill("x".repeat(101));
    await expect.poll(() => text(page, "#name-error")).toBe("Use at most 100 characters; this name has 101.");
    expect(await text(page, "#name-count")).toBe("101/100");
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    await expectReadable(page);
    await shot(page, "04-too-long");

    await input.fill("   ");
    await input.press("Enter");
    await expect.poll(() => text(page, "#name-error")).toBe("Enter a name.");
    expect(await focusedName(page)).toBe("Name");

    await input.fill("Barbara Liskov");
    await expect.poll(() => text(page, "#name-error")).toBe("");
    expect(await input.getAttribute("aria-invalid")).toBe("false");
    expect(posts).toEqual([]);
  });

  it("shows the API's message for a duplicate under the field, keeping what was typed", async () => {
    const page = await openPage();
    const input = page.getByRole("textbox", { name: "Name" });
    await input.fill("Ada Lovelace");
    await input.press("Enter");
    await expect.poll(() => text(page, "#name-error")).toBe("Data already exists");
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    expect(await input.inputValue()).toBe("Ada Lovelace");
    expect((await rowsOf(page)).map((row) => row.name)).toEqual(["Ada Lovelace", "Grace Hopper"]);
    await expectReadable(page);
    await shot(page, "05-duplicate");
  });

  it("drops the last \"Added …\" when the next name has a problem", async () => {
    const page = await openPage();
    const input = page.getByRole("textbox", { name: "Name" });
    await input.fill("Alan Turing");
    await input.press("Enter");
    await page.getByText(/^Added “Alan Turing” as #\d+\.$/).waitFor();
    for (const [typed, problem] of [["   ", "Enter a name."], ["Ada Lovelace", "Data already exists"]]) {
      await input.fill(typed!);
      await input.press("Enter");
      await expect.poll(() => text(page, "#name-error")).toBe(problem);
      expect(await text(page, "#form-status")).toBe("");
    }
    await elsewhere.remove((await elsewhere.list()).items.find((item) => item.name === "Alan Turing")!.id);
  });

  it("deletes a row only after confirmation, and a reload shows the same list", async () => {
    const page = await openPage();
    const ada = (await rowsOf(page)).find((row) => row.name === "Ada Lovelace")!;
    const deleteAda = page.getByRole("button", { name: "Delete “Ada Lovelace”" });
    const dialog = page.getByRole("dialog", { name: "Delete this record?" });

    await deleteAda.click();
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`“Ada Lovelace” (#${ada.id}) will be deleted for everyone.`);
    await expectReadable(page);
    await shot(page, "06-confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect((await elsewhere.list()).items).toHaveLength(2);
    expect(await rowsOf(page)).toHaveLength(2);

    await deleteAda.click();
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByText("Deleted “Ada Lovelace”.").waitFor();
    expect((await rowsOf(page)).map((row) => row.name)).toEqual(["Grace Hopper"]);
    await expectReadable(page);
    await shot(page, "07-deleted");

    await page.reload();
    await page.locator('#records[aria-busy="false"]').waitFor();
    expect(await rowsOf(page)).toEqual((await elsewhere.list()).items);
    expect((await rowsOf(page)).map((row) => row.name)).toEqual(["Grace Hopper"]);
    await shot(page, "08-reloaded");
  });

  it("works from the keyboard alone, with a visible focus ring at every step", async () => {
    const page = await openPage();
    await page.keyboard.press("Tab");
    expect(await focusedName(page)).toBe("Name");
    await expectFocusRing(page);
    await page.keyboard.type("Katherine Johnson");
    await page.keyboard.press("Enter");
    await page.getByText(/^Added “Katherine Johnson”/).waitFor();
    expect(await focusedName(page)).toBe("Name");

    for (let step = 0; step < 8 && (await focusedName(page)) !== "Delete “Katherine Johnson”"; step++) {
      await page.keyboard.press("Tab");
      await expectFocusRing(page);
    }
    expect(await focusedName(page)).toBe("Delete “Katherine Johnson”");
    await shot(page, "09-keyboard-focus");

    await page.keyboard.press("Enter");
    expect(await focusedName(page)).toBe("Cancel");
    await expectFocusRing(page);
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    expect(await focusedName(page)).toBe("Delete “Katherine Johnson”");
    expect(await rowsOf(page)).toHaveLength(2);

    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect(await focusedName(page)).toBe("Delete");
    await expectFocusRing(page);
    await shot(page, "10-keyboard-dialog");
    await page.keyboard.press("Enter");
    await page.getByText("Deleted “Katherine Johnson”.").waitFor();
    expect((await rowsOf(page)).map((row) => row.name)).toEqual(["Grace Hopper"]);
    // Focus lands on the neighbouring row rather than falling back to the top of the page.
    expect(await focusedName(page)).toBe("Delete “Grace Hopper”");
  });

  it("fits a phone: no sideways scrolling, even for a long name, and comfortable touch targets", async () => {
    const phone = { width: 360, height: 740 };
    const page = await openPage({ viewport: phone, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const long = `Hubert Blaine Wolfeschlegelsteinhausenbergerdorff${"x".repeat(51)}`;
    await page.getByRole("textbox", { name: "Name" }).fill(long);
    await page.getByRole("button", { name: "Add", exact: true }).tap();
    await page.getByText(/^Added “Hubert/).waitFor();

    // A mobile browser zooms out to fit content that is too wide, so the page's width is compared with the phone's.
    expect(await page.evaluate(() => [window.innerWidth, document.documentElement.scrollWidth])).toEqual([phone.width, phone.width]);
    const small = await page.locator("input, button").evaluateAll((controls) =>
      controls
        .filter((control) => control.getClientRects().length > 0)
        .map((control) => ({ control: control.outerHTML.slice(0, 60), ...control.getBoundingClientRect().toJSON() }))
        .filter(({ width, height }) => width < 40 || height < 40),
    );
    expect(small).toEqual([]);
    await shot(page, "11-phone");

    await page.getByRole("button", { name: `Delete “${long}”` }).tap();
    await page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).tap();
    await page.getByText(/^Deleted “Hubert/).waitFor();
  });

  it("names every control for assistive technology, and reads well in the dark scheme", async () => {
    const page = await openPage();
    const tree = await page.locator("body").ariaSnapshot();
    await writeFile(join(ARTIFACTS, "aria-snapshot.yml"), tree);
    const unnamed = tree.split("\n").filter((line) => /^\s*- (button|textbox|link|combobox|checkbox)\s*(:.*)?$/.test(line));
    expect(unnamed).toEqual([]);
    expect(tree).toContain('textbox "Name"');
    expect(tree).toContain('button "Delete “Grace Hopper”"');
    expect(tree).toMatch(/heading "Records" \[level=2\]/);
    await expectReadable(page);
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "12-dark");
  });

  it("explains a delete of a row that was already deleted elsewhere", async () => {
    const alan = await elsewhere.add("Alan Turing");
    const page = await openPage();
    await elsewhere.remove(alan.id);
    await page.getByRole("button", { name: "Delete “Alan Turing”" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
    await page
      .getByText(`“Alan Turing” (#${alan.id}) had already been deleted elsewhere; it is gone from the list now.`)
      .waitFor();
    expect((await rowsOf(page)).map((row) => row.name)).toEqual(["Grace Hopper"]);
    await expectReadable(page);
    await shot(page, "13-deleted-elsewhere");
  });

  it("pages through more records than one page holds", async () => {
    for (let n = 1; n <= PAGE_SIZE + 5; n++) await elsewhere.add(`Record ${String(n).padStart(2, "0")}`);
    const all = (await elsewhere.list(undefined, 1000)).items;
    const page = await openPage();
    expect(await rowsOf(page)).toEqual(all.slice(0, PAGE_SIZE));
    expect(await text(page, "#summary")).toBe(`${PAGE_SIZE} shown, more to load`);
    await shot(page, "14-first-page");

    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => rowsOf(page)).toEqual(all);
    expect(await page.isHidden("#more")).toBe(true);
    expect(await text(page, "#summary")).toBe(`${all.length} records`);
  });

  it("says when the API is down, offers a retry, and recovers once it is back", { timeout: 120_000 }, async () => {
    const page = await openPage();
    const before = await rowsOf(page);
    await app.stop();

    await page.getByRole("button", { name: "Refresh" }).click();
    await page.getByText("Cannot reach the API. Check your connection, then retry.").waitFor();
    await expect.poll(() => text(page, "#health")).toBe("API unreachable");
    const input = page.getByRole("textbox", { name: "Name" });
    await input.fill("Edsger Dijkstra");
    await input.press("Enter");
    await expect.poll(() => text(page, "#form-status")).toBe("Cannot reach the API. Check your connection, then retry.");
    expect(await input.inputValue()).toBe("Edsger Dijkstra");
    await expectReadable(page);
    await shot(page, "15-api-down");

    app = await startApp(pgliteDir, app.port);
    await page.getByRole("button", { name: "Retry" }).click();
    await page.locator("#list-notice").waitFor({ state: "hidden" });
    expect(await rowsOf(page)).toEqual(before);
    await expect.poll(() => text(page, "#health")).toBe(`local · ${version} · database ok`);
    await input.press("Enter");
    await page.getByText(/^Added “Edsger Dijkstra”/).waitFor();
    await shot(page, "16-recovered");
  });
});
