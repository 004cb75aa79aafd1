import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { databaseConfigFromEnv } from "@data-api/core/db";
import type { DatabaseHandle } from "@data-api/core/db";
import { openDatabase } from "@data-api/core/db/local";
import { serveStatic } from "@hono/node-server/serve-static";
import type { MiddlewareHandler } from "hono";
import { nobodyIdentified } from "./access/caller";
import { createApp } from "./app";
import { localAccess } from "./host/auth-settings";
import { migrateApart } from "./host/migrate-apart";
import { createHttpServer, listen, urlOf } from "./host/http-server";
import { contentSecurityPolicy, PAGE_HEADERS, REFERENCE_PAGE, referencePolicy } from "./host/page-headers";
import { hostSettings } from "./host/settings";
import { refuseToStart, startStep } from "./host/startup";
import { terminalTelemetry } from "./observability/terminal";
import { paths } from "./paths";
import { runtimeSettings } from "./settings";

/** `npm start`: the app on Node's HTTP server, on the embedded database or DATABASE_URL's PostgreSQL. */

/** The page's security headers, and how it may be cached: the assets' names change with their contents. */
const page =
  (headers: Record<string, string>, cacheControl: string): MiddlewareHandler =>
  async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    if (c.res.ok) c.header("Cache-Control", cacheControl);
  };

let database: DatabaseHandle | undefined;
try {
  const { host, settings, access, config } = await startStep("the environment", () => {
    const settings = runtimeSettings({ APP_VERSION: process.env.npm_package_version, ...process.env });
    return {
      host: hostSettings(process.env),
      settings,
      access: localAccess(process.env, settings),
      config: databaseConfigFromEnv(process.env, paths.pglite),
    };
  });
  // jose is loaded only to verify tokens, and never reaches the Lambda bundle (api.ts reads the authorizer's claims).
  const { tokens } = access;
  const issuer = tokens
    ? await startStep(`the token issuer ${tokens.issuer}`, async () => (await import("./host/token-verifier")).openIssuer(tokens))
    : undefined;
  // The page signs in at the issuer: its scripts fetch the discovery document and the token endpoint there.
  const pageHeaders = issuer ? { ...PAGE_HEADERS, "Content-Security-Policy": contentSecurityPolicy(issuer.origins) } : PAGE_HEADERS;
  const referenceHeaders = { ...PAGE_HEADERS, "Content-Security-Policy": referencePolicy() };
  const opened = await startStep("the database", () => openDatabase(config));
  database = opened;
  // PGlite is the database itself, in this very process: only PostgreSQL is migrated from a process of its own.
  await startStep(opened.description, () =>
    config.driver === "postgres" ? migrateApart({ config, migrationsFolder: paths.migrations }) : opened.migrate(paths.migrations),
  );

  const telemetry = terminalTelemetry(settings);
  const app = createApp({ db: opened.db, ...settings, writes: access.writes, identify: issuer?.identify ?? nobodyIdentified, telemetry });
  if (existsSync(paths.webDist)) {
    const index = await readFile(`${paths.webDist}/index.html`, "utf8");
    app.get("/", page(pageHeaders, "no-cache"), (c) => c.html(index));
    const reference = await readFile(`${paths.webDist}${REFERENCE_PAGE}`, "utf8");
    app.get(REFERENCE_PAGE, page(referenceHeaders, "no-cache"), (c) => c.html(reference));
    app.get("/assets/*", page(pageHeaders, "public, max-age=31536000, immutable"), serveStatic({ root: paths.webDist }));
  }

  const server = createHttpServer({ fetch: app.fetch, requestTimeoutMs: host.requestTimeoutMs, logger: telemetry.logger });
  const address = await startStep(`listening on ${host.host}:${host.port}`, () => listen(server, host.port, host.host));
  console.log(`database: ${opened.description}`);
  console.log(tokens ? `writes: signed-in (tokens of ${tokens.issuer} for ${tokens.audiences.join(", ")})` : "writes: public");
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
