import { ApiError, ApiUnreachableError, type Health } from "./api";

/** What to tell a person about a failed call, in words that say what to do next. */
export function describeError(error: unknown): string {
  if (error instanceof ApiUnreachableError) return "Cannot reach the API. Check your connection, then retry.";
  if (error instanceof ApiError) {
    if (error.status === 503) return "The database is not answering right now. Try again in a moment.";
    if (error.status >= 500) {
      const reference = error.requestId ? ` (request ${error.requestId})` : "";
      return `The API failed to answer${reference}. Try again; report it if it keeps happening.`;
    }
    return error.message;
  }
  return `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

export interface Badge {
  text: string;
  tone: "ok" | "warn" | "down";
}

/** The health badge: where the API runs, which version, and whether its database answers. */
export function healthBadge(result: Health | Error): Badge {
  if (result instanceof Error) {
    return { text: result instanceof ApiUnreachableError ? "API unreachable" : "API error", tone: "down" };
  }
  const database = result.checks.database === "ok" ? "database ok" : `database ${result.checks.database}`;
  const tone = result.status === "ok" ? "ok" : result.checks.database === "ok" ? "warn" : "down";
  return { text: `${result.stage} · ${result.version} · ${database}`, tone };
}
