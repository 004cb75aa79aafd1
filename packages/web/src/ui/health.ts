import type { Api } from "../api";
import { healthBadge } from "../messages";

/** The badge in the header; refreshed when the list is retried, so it tells whether the API is back. */
export function mountHealth(badge: HTMLElement, api: Api) {
  async function refresh() {
    badge.dataset.tone = "pending";
    badge.textContent = "checking…";
    const { text, tone } = healthBadge(await api.health().catch((error: Error) => error));
    badge.textContent = text;
    badge.dataset.tone = tone;
  }
  void refresh();
  return { refresh };
}
