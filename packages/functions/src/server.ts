import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { databaseConfigFromEnv } from "@data-api/core/db";
import type { DatabaseHandle } from "@data-api/core/db";
import { openDatabase } from "@data-api/core/db/local";
import { serveStatic } from "@hono/node-server/serve-static";
import type { MiddlewareHandler } from "hono";
import { createApp } from "./app";
import { createHttpServer, listen, urlOf } from "./host/http-server";
import { PAGE_HEADERS } from "./host/page-headers";
import { hostSettings } from "./host/settings";
import { refuseToStart, startStep } from "./host/startup";
import { terminalTelemetry } from "./observability/terminal";
import { paths } from "./paths";
import { runtimeSettings } from "./settings";

/** `npm start`: the app on Node's HTTP server, on the embedded database or DATABASE_URL's PostgreSQL. */

/** The page's security headers, and how it may be cached: the assets' names change with their contents. */
const page =
  (cacheControl: string): MiddlewareHandler =>
  async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(PAGE_HEADERS)) c.header(name, value);
    if (c.res.ok) c.header("Cache-Control", cacheControl);
  };

let database: DatabaseHandle | undefined;
try {
  const { host, settings, config } = await startStep("the environment", () => ({
    host: hostSettings(process.env),
    settings: runtimeSettings({ APP_VERSION: process.env.npm_package_version, ...process.env }),
    config: databaseConfigFromEnv(process.env, paths.pglite),
  }));
  const opened = await startStep("the database", () => openDatabase(config));
  database = opened;
  await startStep(opened.description, () => opened.migrate(paths.migrations));

  const telemetry = terminalTelemetry(settings);
  const app = createApp({ db: opened.db, ...settings, telemetry });
  if (existsSync(paths.webDist)) {
    const index = await readFile(`${paths.webDist}/index.html`, "utf8");
    app.get("/", page("no-cache"), (c) => c.html(index));
    app.get("/assets/*", page("public, max-age=31536000, immutable"), serveStatic({ root: paths.webDist }));
  }

  const server = createHttpServer({ fetch: app.fetch, requestTimeoutMs: host.requestTimeoutMs, logger: telemetry.logger });
  const address = await startStep(`listening on ${host.host}:${host.port}`, () => listen(server, host.port, host.host));
  console.log(`database: ${opened.description}`);
  console.log(`data-api listening on ${urlOf(address)}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, shutting down`);
    server.close();
    // PGlite left open keeps the process alive (and its folder locked), and postgres.js would hold its sockets.
    await opened.close();
    process.exit(0);
  };
  // SIGHUP: the terminal was closed.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown(signal));
} catch (error) {
  // Whatever was opened is closed (PGlite's folder unlocked) before the one line; a close that hangs is not awaited.
  await Promise.race([database?.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  refuseToStart(error);
}
