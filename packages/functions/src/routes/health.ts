import type { Database } from "@data-api/core/db/database";
import { ping } from "@data-api/core/db/unavailable";
import { DatabaseUnavailableError } from "@data-api/core/error";
import { Hono } from "hono";
import type { AppEnv } from "../app";

export interface HealthOptions {
  db: Database;
  stage: string;
  version: string;
  timeoutMs: number;
}

export const healthRoutes = ({ db, stage, version, timeoutMs }: HealthOptions) =>
  new Hono<AppEnv>().get("/", async (c) => {
    try {
      await ping(db, timeoutMs);
      return c.json({ status: "ok", checks: { database: "ok" }, version, stage });
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError)) throw error;
      return c.json({ status: "error", checks: { database: "unreachable" }, version, stage }, 503);
    }
  });
