import { describe, expect, it } from "vitest";
import { initialDataList, reduce, view, type DataList, type DataListEvent } from "../src/data-list";

const ada = { id: 1, name: "Ada" };
const grace = { id: 2, name: "Grace" };
const alan = { id: 3, name: "Alan" };

const run = (...events: DataListEvent[]) => events.reduce(reduce, initialDataList);

describe("the records state", () => {
  it("starts by loading the first page", () => {
    expect(view(initialDataList)).toEqual({
      notice: { kind: "loading", text: "Loading records…" },
      busy: true,
      canLoadMore: false,
      summary: "",
    });
  });

  it("shows the empty state once an empty first page arrives", () => {
    const state = run({ type: "loaded", request: "first", page: { items: [] } });
    expect(view(state)).toEqual({
      notice: { kind: "empty", text: "No records yet. Add the first name above." },
      busy: false,
      canLoadMore: false,
      summary: "",
    });
  });

  it("does not invite a person who may not add names to add one", () => {
    const state = run({ type: "loaded", request: "first", page: { items: [] } });
    expect(view(state, { writable: false }).notice).toEqual({ kind: "empty", text: "No records yet." });
  });

  it("appends the next page in id order and stops offering more after the last one", () => {
    const first = run({ type: "loaded", request: "first", page: { items: [ada, grace], next: 2 } });
    expect(view(first)).toEqual({ busy: false, canLoadMore: true, summary: "2 shown, more to load" });

    const loadingMore = reduce(first, { type: "load", request: "more" });
    expect(view(loadingMore)).toEqual({ busy: true, canLoadMore: false, summary: "2 shown, more to load" });

    const all = reduce(loadingMore, { type: "loaded", request: "more", page: { items: [alan] } });
    expect(all.items).toEqual([ada, grace, alan]);
    expect(view(all)).toMatchObject({ canLoadMore: false, summary: "3 records" });
  });

  it("replaces the rows when the first page is loaded again", () => {
    const state = run(
      { type: "loaded", request: "first", page: { items: [ada, grace] } },
      { type: "load", request: "first" },
      { type: "loaded", request: "first", page: { items: [grace] } },
    );
    expect(state.items).toEqual([grace]);
    expect(view(state).summary).toBe("1 record");
  });

  it("keeps the rows shown when a later page fails, and retries that page", () => {
    const state = run(
      { type: "loaded", request: "first", page: { items: [ada], next: 1 } },
      { type: "load", request: "more" },
      { type: "failed", request: "more", message: "Cannot reach the API." },
    );
    expect(state).toMatchObject({ items: [ada], next: 1, load: "failed", request: "more" });
    expect(view(state)).toMatchObject({ notice: { kind: "error", text: "Cannot reach the API." }, canLoadMore: false });

    const retried = reduce(reduce(state, { type: "load", request: state.request }), {
      type: "loaded",
      request: "more",
      page: { items: [grace] },
    });
    expect(retried).toMatchObject({ items: [ada, grace], load: "idle", error: undefined });
  });

  it("drops the answer to a request that a newer one replaced", () => {
    const refreshed = run(
      { type: "loaded", request: "first", page: { items: [ada], next: 1 } },
      { type: "load", request: "more" },
      { type: "load", request: "first" },
    );
    const late: DataList = reduce(refreshed, { type: "loaded", request: "more", page: { items: [grace] } });
    expect(late).toBe(refreshed);
    expect(reduce(refreshed, { type: "failed", request: "more", message: "late" })).toBe(refreshed);
    expect(reduce(run({ type: "loaded", request: "first", page: { items: [] } }), {
      type: "loaded",
      request: "first",
      page: { items: [ada] },
    }).items).toEqual([]);
  });

  it("shows a new row once, in id order, even when a later page brings it again", () => {
    const state = run(
      { type: "loaded", request: "first", page: { items: [ada], next: 1 } },
      { type: "added", item: alan },
      { type: "load", request: "more" },
      { type: "loaded", request: "more", page: { items: [grace, alan] } },
    );
    expect(state.items).toEqual([ada, grace, alan]);
  });

  it("removes a deleted row and shows the empty state when it was the last", () => {
    const state = run({ type: "loaded", request: "first", page: { items: [ada] } }, { type: "removed", id: 1 });
    expect(state.items).toEqual([]);
    expect(view(state).notice?.kind).toBe("empty");
  });
});
