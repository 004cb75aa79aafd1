import { connectPostgres, postgresConfigFromEnv } from "@data-api/core/db";
import { handle } from "hono/aws-lambda";
import { createApp } from "./app";
import { cloudTelemetry } from "./observability/telemetry";
import { runtimeSettings } from "./settings";

// Built once per execution environment; postgres.js connects lazily on the first query.
const database = connectPostgres(await postgresConfigFromEnv(process.env));

const settings = runtimeSettings(process.env);

// API Gateway's JWT authorizer has verified the token of every write it lets through: the app, by default, only
// reads its claims.
export const handler = handle(createApp({ db: database.db, ...settings, telemetry: cloudTelemetry(settings) }));
