import { ApiError, type Api, type Info } from "../api";
import { describeError } from "../messages";
import { initialDataList, reduce, view, type PageRequest, type DataList, type DataListEvent } from "../data-list";
import { confirmDelete } from "./confirm";
import { byId, say } from "./dom";

function createRow(item: Info): HTMLTableRowElement {
  const row = document.createElement("tr");
  row.dataset.id = String(item.id);
  const id = row.insertCell();
  id.className = "id";
  id.textContent = `#${item.id}`;
  const name = row.insertCell();
  name.className = "name";
  name.textContent = item.name;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "delete";
  button.textContent = "Delete";
  button.setAttribute("aria-label", `Delete “${item.name}”`);
  const actions = row.insertCell();
  actions.className = "actions";
  actions.append(button);
  return row;
}

/**
 * The records table with its paging, empty and error states, and deletion. `onReload` runs whenever the person
 * asks to load again (retry, refresh), so that the health badge can check again too.
 */
export function mountList(api: Api, onReload: () => void) {
  const section = byId("records");
  const heading = byId("records-heading");
  const body = byId<HTMLTableSectionElement>("rows");
  const table = byId("table");
  const summary = byId("summary");
  const notice = byId("list-notice");
  const noticeText = byId("list-notice-text");
  const retry = byId<HTMLButtonElement>("retry");
  const more = byId<HTMLButtonElement>("more");
  const status = byId("list-status");
  const rows = new Map<number, HTMLTableRowElement>();
  let state: DataList = initialDataList;
  let writable = true;

  function dispatch(event: DataListEvent) {
    state = reduce(state, event);
    render();
  }

  function render() {
    const shown = view(state, { writable });
    // Rows are kept by id rather than redrawn, so focus and the new-row highlight survive a render.
    const wanted = new Set(state.items.map((item) => item.id));
    for (const [id, row] of rows) {
      if (wanted.has(id)) continue;
      row.remove();
      rows.delete(id);
    }
    state.items.forEach((item, index) => {
      const row = rows.get(item.id) ?? createRow(item);
      rows.set(item.id, row);
      if (body.rows[index] !== row) body.insertBefore(row, body.rows[index] ?? null);
    });
    table.hidden = state.items.length === 0;
    summary.textContent = shown.summary;
    section.setAttribute("aria-busy", String(shown.busy));
    notice.hidden = !shown.notice;
    notice.dataset.kind = shown.notice?.kind ?? "";
    noticeText.textContent = shown.notice?.text ?? "";
    retry.hidden = shown.notice?.kind !== "error";
    more.hidden = state.next === undefined || state.load === "failed";
    more.disabled = !shown.canLoadMore;
    more.textContent = shown.busy && state.request === "more" ? "Loading…" : "Load more";
  }

  async function load(request: PageRequest) {
    dispatch({ type: "load", request });
    try {
      const page = await api.list(request === "more" ? state.next : undefined);
      dispatch({ type: "loaded", request, page });
    } catch (error) {
      dispatch({ type: "failed", request, message: describeError(error) });
    }
  }

  /** Where focus goes once a row is gone: the next row's button, else the previous one's, else the heading. */
  function focusAfterRemoving(row: HTMLTableRowElement) {
    const neighbour = (row.nextElementSibling ?? row.previousElementSibling)?.querySelector("button");
    (neighbour ?? heading).focus();
  }

  async function remove(item: Info, button: HTMLButtonElement) {
    if (!(await confirmDelete(item))) return;
    button.disabled = true;
    button.textContent = "Deleting…";
    try {
      await api.remove(item.id);
      say(status, `Deleted “${item.name}”.`, "ok");
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) {
        button.disabled = false;
        button.textContent = "Delete";
        say(status, `Could not delete “${item.name}”: ${describeError(error)}`, "error");
        button.focus();
        return;
      }
      say(status, `“${item.name}” (#${item.id}) had already been deleted elsewhere; it is gone from the list now.`, "warn");
    }
    const row = rows.get(item.id);
    if (row) focusAfterRemoving(row);
    dispatch({ type: "removed", id: item.id });
  }

  body.addEventListener("click", (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>("button.delete");
    const item = state.items.find((candidate) => String(candidate.id) === button?.closest("tr")?.dataset.id);
    if (button && item) void remove(item, button);
  });
  more.addEventListener("click", () => void load("more"));
  retry.addEventListener("click", () => {
    // The button hides itself once loading starts; the heading keeps the focus in the list.
    heading.focus();
    onReload();
    void load(state.request);
  });
  byId("refresh").addEventListener("click", () => {
    onReload();
    say(status, "");
    void load("first");
  });

  void load("first");

  return {
    /** Shows or hides the delete buttons (and the column they stand in). */
    setWritable(open: boolean) {
      writable = open;
      table.dataset.writes = open ? "open" : "closed";
      render();
    },

    /** Shows a row the form just created, and draws the eye to it. */
    add(item: Info) {
      dispatch({ type: "added", item });
      rows.get(item.id)?.classList.add("fresh");
    },
  };
}
