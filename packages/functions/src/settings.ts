import { WRITE_ACCESS, type WriteAccess } from "@data-api/core/access";
import { choice, envReader, flag, integer, text, type EnvOf } from "@data-api/core/env";

/** The log levels, as the stage config, LOG_LEVEL and the loggers all name them. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface RuntimeSettings {
  stage: string;
  version: string;
  healthTimeoutMs: number;
  /** Unset, each host picks its own: debug in a terminal, info in the cloud. */
  logLevel?: LogLevel;
  /** Who may add and delete records: anyone ("public", the Flask contract), or callers with the write scope. */
  writes: WriteAccess;
  /** Whether GET /data shows who created each record (`createdBy`): personal data, so only where a stage says so. */
  exposeCreatedBy: boolean;
}

const APP_SETTINGS = {
  STAGE: text("local"),
  APP_VERSION: text("dev"),
  HEALTH_TIMEOUT_MS: integer(50, 25_000, 2_000),
  // Any case, as people write it; the settings hold it in the one vocabulary above.
  LOG_LEVEL: choice(LOG_LEVELS),
  WRITES: choice(WRITE_ACCESS),
  EXPOSE_CREATED_BY: flag,
};
const readAppEnv = envReader("app settings", APP_SETTINGS);

/** Host-independent settings of the app, read once at start-up. */
export function runtimeSettings(env: Record<string, string | undefined>): RuntimeSettings {
  const settings = readAppEnv(env);
  return {
    stage: settings.STAGE,
    version: settings.APP_VERSION,
    healthTimeoutMs: settings.HEALTH_TIMEOUT_MS,
    logLevel: settings.LOG_LEVEL,
    writes: settings.WRITES ?? "public",
    exposeCreatedBy: settings.EXPOSE_CREATED_BY,
  };
}

/** The environment `runtimeSettings` reads `settings` from: what the stacks give a function. */
export function appEnv({
  stage,
  version,
  healthTimeoutMs,
  logLevel,
  writes,
  exposeCreatedBy,
}: Partial<RuntimeSettings> & Pick<RuntimeSettings, "stage" | "version">): EnvOf<typeof APP_SETTINGS> {
  return {
    STAGE: stage,
    APP_VERSION: version,
    ...(healthTimeoutMs !== undefined && { HEALTH_TIMEOUT_MS: String(healthTimeoutMs) }),
    ...(logLevel !== undefined && { LOG_LEVEL: logLevel }),
    ...(writes !== undefined && { WRITES: writes }),
    ...(exposeCreatedBy !== undefined && { EXPOSE_CREATED_BY: String(exposeCreatedBy) }),
  };
}
