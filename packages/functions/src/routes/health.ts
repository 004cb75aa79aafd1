import { Data } from "@data-api/core/data";
import type { Database } from "@data-api/core/db";
import { DatabaseUnavailableError } from "@data-api/core/error";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { json } from "../http/answer";

export interface HealthOptions {
  db: Database;
  stage: string;
  version: string;
  healthTimeoutMs: number;
}

export const healthRoutes = ({ db, stage, version, healthTimeoutMs }: HealthOptions) =>
  new Hono<AppEnv>().get("/", async (c) => {
    const database = await Data.health(db, healthTimeoutMs).catch((error: unknown) => {
      if (error instanceof DatabaseUnavailableError) return "unreachable" as const;
      throw error;
    });
    if (database === "ok") return json(c, { status: "ok", checks: { database }, version, stage });
    return json(c, { status: "error", checks: { database }, version, stage }, 503);
  });
