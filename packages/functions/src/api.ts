import { DATABASE_URL_SECRET, readBoundSecret } from "@data-api/core/db/bound-secret";
import { databaseConfigFromEnv } from "@data-api/core/db/config";
import { openPostgres } from "@data-api/core/db/postgres";
import { handle } from "hono/aws-lambda";
import { createApp } from "./app";
import { cloudTelemetry } from "./observability/telemetry";
import { runtimeSettings } from "./settings";

// A stage without a database of its own keeps the developer's database URL in an SST secret, not in plain settings.
const databaseUrl = await readBoundSecret(DATABASE_URL_SECRET, process.env);
const config = databaseConfigFromEnv(databaseUrl ? { ...process.env, DATABASE_URL: databaseUrl } : process.env);
if (config.driver !== "postgres") throw new Error("The API function needs DB_HOST or DATABASE_URL");
// Built once per execution environment; postgres.js connects lazily on the first query.
const database = openPostgres(config);

const settings = runtimeSettings(process.env);

export const handler = handle(createApp({ db: database.db, ...settings, telemetry: cloudTelemetry(settings) }));
