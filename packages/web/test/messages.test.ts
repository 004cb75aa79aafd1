import { describe, expect, it } from "vitest";
import { ApiError, ApiUnreachableError, type Health } from "../src/api";
import { describeError, healthBadge } from "../src/messages";

describe("describeError", () => {
  it("tells an unreachable API apart from an API that answered", () => {
    expect(describeError(new ApiUnreachableError("no answer"))).toBe(
      "Cannot reach the API. Check your connection, then retry.",
    );
    expect(describeError(new ApiError(409, "Data already exists"))).toBe("Data already exists");
    expect(describeError(new ApiError(404, "Data not found"))).toBe("Data not found");
  });

  it("explains a database outage and quotes the request id of a server failure", () => {
    expect(describeError(new ApiError(503, "Database unavailable"))).toMatch(/^The database is not answering/);
    expect(describeError(new ApiError(500, "Internal server error", [], "req-42"))).toBe(
      "The API failed to answer (request req-42). Try again; report it if it keeps happening.",
    );
    expect(describeError(new ApiError(502, "The API answered 502 Bad Gateway"))).toBe(
      "The API failed to answer. Try again; report it if it keeps happening.",
    );
  });

  it("still says something about errors it does not know", () => {
    expect(describeError(new TypeError("boom"))).toBe("Unexpected error: boom");
    expect(describeError("odd")).toBe("Unexpected error: odd");
  });
});

describe("healthBadge", () => {
  const report: Health = { status: "ok", checks: { database: "ok" }, version: "1.4.0", stage: "prod" };

  it("names stage, version and database state", () => {
    expect(healthBadge(report)).toEqual({ text: "prod · 1.4.0 · database ok", tone: "ok" });
    expect(healthBadge({ ...report, status: "error", checks: { database: "unreachable" } })).toEqual({
      text: "prod · 1.4.0 · database unreachable",
      tone: "down",
    });
    // A status a newer API may add, which the page's types do not know yet.
    expect(healthBadge({ ...report, status: "degraded" as Health["status"] }).tone).toBe("warn");
  });

  it("says whether the API is unreachable or failing", () => {
    expect(healthBadge(new ApiUnreachableError("no answer"))).toEqual({ text: "API unreachable", tone: "down" });
    expect(healthBadge(new ApiError(502, "Bad Gateway"))).toEqual({ text: "API error", tone: "down" });
  });
});
