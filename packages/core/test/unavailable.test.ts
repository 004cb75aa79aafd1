import { describe, expect, it } from "vitest";
import { guard, withDeadline } from "../src/db/unavailable";
import { DatabaseUnavailableError } from "../src/error";

const failure = (code: string) => Object.assign(new Error(code), { code });

describe("guard", () => {
  it.each(["ECONNREFUSED", "CONNECT_TIMEOUT", "CONNECTION_ENDED", "08006", "57P01", "53300"])(
    "reports %s as the database being unavailable",
    async (code) => {
      await expect(guard(() => Promise.reject(failure(code)))).rejects.toThrow(DatabaseUnavailableError);
    },
  );

  it("looks through wrapped causes, as drizzle wraps driver errors", async () => {
    const wrapped = new Error("Failed query", { cause: failure("ECONNRESET") });
    await expect(guard(() => Promise.reject(wrapped))).rejects.toThrow(DatabaseUnavailableError);
  });

  it.each(["23505", "42P01", "22001"])("lets %s through untouched: it is not an outage", async (code) => {
    const error = failure(code);
    await expect(guard(() => Promise.reject(error))).rejects.toBe(error);
  });

  it("returns the result of a successful call", async () => {
    await expect(guard(async () => 7)).resolves.toBe(7);
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
