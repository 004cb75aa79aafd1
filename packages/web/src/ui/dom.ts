/** An element the page's HTML must contain; a missing one is a bug in index.html, so it fails loudly. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element as T;
}

export type Tone = "info" | "ok" | "warn" | "error";

/** Shows a message in a live region, so that screen readers announce it too. */
export function say(region: HTMLElement, text: string, tone: Tone = "info") {
  region.textContent = text;
  region.dataset.tone = tone;
}
