import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's chromium package: the browser tests never download one. */
export const CHROMIUM = "/usr/bin/chromium";
export const chromiumMissing = !existsSync(CHROMIUM);
/** Locally a missing browser skips the browser tests with a reason; in CI it must fail them. */
export const skipBrowserTests = chromiumMissing && process.env.CI !== "true";
if (skipBrowserTests) console.warn(`Skipping the browser tests: ${CHROMIUM} is missing (install it: apt-get install chromium).`);

/** Headless Chromium that asks nothing of the network this machine does not have. */
export function launchChromium(): Promise<Browser> {
  if (chromiumMissing) throw new Error(`${CHROMIUM} is missing; CI must install it (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
