import type { PendingQuery, Row } from "postgres";
import { describe, expect, it, vi } from "vitest";
import { QUERY_DEADLINE, QueryDeadline } from "../src/db/query-deadline";

/** A query as postgres.js hands it out: a promise with a cancel(), here settled by the test. */
function pendingQuery() {
  let settle!: { resolve: (rows: Row[]) => void; reject: (error: unknown) => void };
  const promise = new Promise<Row[]>((resolve, reject) => (settle = { resolve, reject }));
  const cancel = vi.fn(() => settle.reject(Object.assign(new Error("canceling statement"), { code: "57014" })));
  return { query: Object.assign(promise, { cancel }) as unknown as PendingQuery<Row[]>, cancel, settle };
}

describe("QueryDeadline", () => {
  it("fails a query nobody answers with QUERY_DEADLINE within 110% of the deadline, and cancels it", async () => {
    const deadline = new QueryDeadline(200);
    const { query, cancel } = pendingQuery();
    const started = performance.now();
    const failed = await deadline.answered(query).catch((error: { code?: string }) => error);
    const waited = performance.now() - started;
    expect(failed).toMatchObject({ code: QUERY_DEADLINE });
    expect(cancel).toHaveBeenCalledOnce();
    expect(waited).toBeGreaterThanOrEqual(199);
    expect(waited).toBeLessThan(200 * 1.1 + 50);
  });

  it("answers what the query answers, and never cancels it afterwards", async () => {
    const deadline = new QueryDeadline(100);
    const { query, cancel, settle } = pendingQuery();
    const rows = [{ id: 1 }];
    setTimeout(() => settle.resolve(rows), 10);
    await expect(deadline.answered(query)).resolves.toBe(rows);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(cancel).not.toHaveBeenCalled();
  });

  it("fails a query with the database's own error", async () => {
    const deadline = new QueryDeadline(1_000);
    const { query, settle } = pendingQuery();
    const refused = Object.assign(new Error("duplicate key"), { code: "23505" });
    settle.reject(refused);
    await expect(deadline.answered(query)).rejects.toBe(refused);
  });

  it("keeps a timer only while something is pending", async () => {
    vi.useFakeTimers();
    try {
      const deadline = new QueryDeadline(100);
      const { query, settle } = pendingQuery();
      const answered = deadline.answered(query);
      expect(vi.getTimerCount()).toBe(1);
      settle.resolve([]);
      await answered;
      await vi.advanceTimersByTimeAsync(10);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
