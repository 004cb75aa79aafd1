import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { databaseConfigFromEnv } from "@data-api/core/db/config";
import { openDatabase } from "@data-api/core/db/open";
import { serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { createApp } from "./app";
import { terminalTelemetry } from "./observability/terminal";
import { paths } from "./paths";
import { runtimeSettings } from "./settings";

const port = Number(process.env.PORT ?? 3000);
const database = await openDatabase(databaseConfigFromEnv(process.env, paths.pglite));
await database.migrate(paths.migrations);

const settings = runtimeSettings({ APP_VERSION: process.env.npm_package_version, ...process.env });
const app = createApp({ db: database.db, ...settings, telemetry: terminalTelemetry(settings) });
if (existsSync(paths.webDist)) {
  const index = await readFile(`${paths.webDist}/index.html`, "utf8");
  app.get("/", (c) => c.html(index));
  app.get("/assets/*", serveStatic({ root: paths.webDist }));
}

const server = serve({ fetch: app.fetch, port }, (info) => {
  console.log(`database: ${database.description}`);
  console.log(`data-api listening on http://localhost:${info.port}`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal} received, shutting down`);
  server.close();
  // PGlite left open keeps the process alive, and postgres.js would hold its sockets.
  await database.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
