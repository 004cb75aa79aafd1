import { databaseConfigFromEnv } from "@data-api/core/db/config";
import { openPostgres } from "@data-api/core/db/postgres";
import { handle } from "hono/aws-lambda";
import { createApp } from "./app";
import { cloudTelemetry } from "./observability/telemetry";
import { runtimeSettings } from "./settings";

const config = databaseConfigFromEnv(process.env);
if (config.driver !== "postgres") throw new Error("The API function needs DB_HOST or DATABASE_URL");
// Built once per execution environment; postgres.js connects lazily on the first query.
const database = openPostgres(config);

const settings = runtimeSettings(process.env);

export const handler = handle(createApp({ db: database.db, ...settings, telemetry: cloudTelemetry(settings) }));
