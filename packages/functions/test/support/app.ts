import type { Database } from "@data-api/core/db/database";
import { createApp, type AppOptions } from "../../src/app";

/** The real app on a test database, with errors collected instead of printed. */
export function testApp(db: Database, overrides: Partial<AppOptions> = {}) {
  const reported: unknown[] = [];
  const app = createApp({
    db,
    stage: "test",
    version: "1.2.3",
    healthTimeoutMs: 1_000,
    report: (error) => reported.push(error),
    ...overrides,
  });
  return { app, reported };
}

export const postJson = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});
