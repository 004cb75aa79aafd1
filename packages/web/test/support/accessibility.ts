import type { Page } from "playwright-core";
import { expect } from "vitest";
import { contrastRatio } from "./contrast";

interface ColourSample {
  text: string;
  color: string;
  background: string;
  large: boolean;
  outline?: { style: string; width: number; focusVisible: boolean };
}

/** Runs in the page: the colours of visible text (or of the focus ring) and of the background under them. */
function inspectColours(what: string): ColourSample[] {
  const backgroundOf = (start: Element | null): string => {
    for (let element = start; element; element = element.parentElement) {
      const colour = getComputedStyle(element).backgroundColor;
      if (colour !== "transparent" && !/^rgba\(.*,\s*0\)$/.test(colour)) return colour;
    }
    return "rgb(255, 255, 255)";
  };
  if (what === "focus") {
    const element = document.activeElement ?? document.body;
    const style = getComputedStyle(element);
    return [
      {
        text: element.getAttribute("aria-label") ?? element.id ?? element.textContent ?? "",
        color: style.outlineColor,
        // The ring is drawn around the element, on what lies behind it.
        background: backgroundOf(element.parentElement),
        large: false,
        outline: { style: style.outlineStyle, width: parseFloat(style.outlineWidth), focusVisible: element.matches(":focus-visible") },
      },
    ];
  }
  const samples: ColourSample[] = [];
  // Behind an open modal dialog nothing else can be read or reached.
  const walker = document.createTreeWalker(document.querySelector("dialog[open]") ?? document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    const text = node.textContent?.trim();
    if (!element || !text || element.closest(".visually-hidden") || element.getClientRects().length === 0) continue;
    // Disabled controls are exempt from contrast requirements (WCAG 1.4.3).
    if (element.closest("button:disabled")) continue;
    const style = getComputedStyle(element);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    samples.push({ text, color: style.color, background: backgroundOf(element), large });
  }
  return samples;
}

/** Every piece of visible text reaches WCAG AA contrast, in the light and the dark colour scheme. */
export async function expectReadable(page: Page) {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    const samples = await page.evaluate(inspectColours, "text");
    expect(samples.length).toBeGreaterThan(0);
    const poor = samples
      .map((sample) => ({ ...sample, ratio: contrastRatio(sample.color, sample.background) }))
      .filter((sample) => sample.ratio < (sample.large ? 3 : 4.5));
    expect(poor, `${colorScheme} scheme`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/** The focused element shows a solid ring of at least 2 px, contrasting 3:1 with what surrounds it. */
export async function expectFocusRing(page: Page) {
  const [ring] = await page.evaluate(inspectColours, "focus");
  expect(ring?.outline, ring?.text).toMatchObject({ style: "solid", focusVisible: true });
  expect(ring!.outline!.width, ring!.text).toBeGreaterThanOrEqual(2);
  expect(contrastRatio(ring!.color, ring!.background), ring!.text).toBeGreaterThanOrEqual(3);
}

/** The accessible name of the focused element, as a screen reader would announce it. */
export const focusedName = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLInputElement | null;
    return element?.labels?.[0]?.textContent ?? element?.getAttribute("aria-label") ?? element?.textContent?.trim() ?? "";
  });
