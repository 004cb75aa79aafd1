import { readFile } from "node:fs/promises";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { respond } from "../http/answer";

/** It changes only with a deploy: browsers and proxies may keep it for an hour. */
export const OPENAPI_CACHE_CONTROL = "public, max-age=3600";

/**
 * GET /openapi.json: the committed document (`npm run openapi`), read from its file on the first request and kept.
 * Read rather than imported, so that its 38 KB cost the bundle, and every cold start, nothing.
 */
export const openApiRoutes = (file: URL) => {
  let text: Promise<string> | undefined;
  return new Hono<AppEnv>().get("/", async (c) => {
    text ??= readFile(file, "utf8").catch((error: unknown) => {
      text = undefined;
      throw error;
    });
    return respond(c, await text, 200, { "content-type": "application/json", "cache-control": OPENAPI_CACHE_CONTROL });
  });
};
