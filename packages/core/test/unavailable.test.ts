import { describe, expect, it } from "vitest";
import { asUnavailable, withDeadline } from "../src/db/unavailable";
import { DatabaseUnavailableError } from "../src/error";

const failure = (code: string) => Object.assign(new Error(code), { code });

describe("asUnavailable", () => {
  it.each(["ECONNREFUSED", "CONNECT_TIMEOUT", "CONNECTION_ENDED", "QUERY_DEADLINE", "08006", "57P01", "53300"])(
    "reports %s as the database being unavailable",
    (code) => {
      const error = failure(code);
      const mapped = asUnavailable(error);
      expect(mapped).toBeInstanceOf(DatabaseUnavailableError);
      expect((mapped as Error).cause).toBe(error);
    },
  );

  it("looks through wrapped causes, as a QueryError wraps the driver's error", () => {
    const wrapped = new Error("Query failed", { cause: failure("ECONNRESET") });
    expect(asUnavailable(wrapped)).toBeInstanceOf(DatabaseUnavailableError);
  });

  it("leaves an outage already reported alone, as a transaction's failing query reaches the transaction", () => {
    const reported = new DatabaseUnavailableError({ cause: failure("ECONNRESET") });
    expect(asUnavailable(reported)).toBe(reported);
  });

  it.each(["23505", "42P01", "22001"])("lets %s through untouched: it is not an outage", (code) => {
    const error = failure(code);
    expect(asUnavailable(error)).toBe(error);
  });
});

describe("withDeadline", () => {
  it("gives up on a call that never answers", async () => {
    const started = performance.now();
    await expect(withDeadline(() => new Promise(() => {}), 100)).rejects.toThrow(DatabaseUnavailableError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("returns what answers in time", async () => {
    await expect(withDeadline(async () => "ok", 1_000)).resolves.toBe("ok");
  });
});
