import type { Info, Page } from "./api";

/** Which page a load asks for: the first one again, or the one after those already shown. */
export type PageRequest = "first" | "more";

export interface DataList {
  /** Ordered by id, each id once: the order of the API, and of creation. */
  items: Info[];
  next?: number;
  load: "idle" | "loading" | "failed";
  /** The page being (or last) asked for, which is what a retry asks for again. */
  request: PageRequest;
  error?: string;
}

export type DataListEvent =
  | { type: "load"; request: PageRequest }
  | { type: "loaded"; request: PageRequest; page: Page }
  | { type: "failed"; request: PageRequest; message: string }
  | { type: "added"; item: Info }
  | { type: "removed"; id: number };

export const initialDataList: DataList = { items: [], load: "loading", request: "first" };

/** Merges rows by id, so a row added here and then met again on a later page is shown once, in its place. */
function merge(shown: Info[], incoming: Info[]): Info[] {
  const byId = new Map(shown.map((item) => [item.id, item]));
  for (const item of incoming) byId.set(item.id, item);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

export function reduce(state: DataList, event: DataListEvent): DataList {
  switch (event.type) {
    case "load":
      return { ...state, load: "loading", request: event.request, error: undefined };
    case "loaded":
      // An answer to a request that has since been replaced (a refresh during "load more") is dropped.
      if (state.load !== "loading" || event.request !== state.request) return state;
      return {
        ...state,
        items: event.request === "first" ? merge([], event.page.items) : merge(state.items, event.page.items),
        next: event.page.next,
        load: "idle",
      };
    case "failed":
      if (state.load !== "loading" || event.request !== state.request) return state;
      return { ...state, load: "failed", error: event.message };
    case "added":
      return { ...state, items: merge(state.items, [event.item]) };
    case "removed":
      return { ...state, items: state.items.filter((item) => item.id !== event.id) };
  }
}

export interface DataListView {
  /** What stands in for (or above) the rows: nothing, a spinner text, the empty state or an error. */
  notice?: { kind: "loading" | "empty" | "error"; text: string };
  canLoadMore: boolean;
  busy: boolean;
  /** "3 records", or "20 shown, more to load" while pages remain. */
  summary: string;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** `writable`: whether this person may add names now (false while signed out on a stage that needs signing in). */
export function view(state: DataList, { writable = true } = {}): DataListView {
  const busy = state.load === "loading";
  const summary =
    state.items.length === 0 ? "" : state.next === undefined ? plural(state.items.length, "record") : `${state.items.length} shown, more to load`;
  const base = { busy, summary, canLoadMore: state.next !== undefined && state.load === "idle" };
  if (state.load === "failed") return { ...base, notice: { kind: "error", text: state.error ?? "Loading failed." } };
  if (busy && state.request === "first") return { ...base, notice: { kind: "loading", text: "Loading records…" } };
  if (state.load === "idle" && state.items.length === 0 && state.next === undefined) {
    return { ...base, notice: { kind: "empty", text: writable ? "No records yet. Add the first name above." : "No records yet." } };
  }
  return base;
}
