import type { LogLevel } from "@aws-lambda-powertools/logger/types";
import { choice, envReader, integer, text } from "@data-api/core/env";

const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"] as const satisfies LogLevel[];

export interface RuntimeSettings {
  stage: string;
  version: string;
  healthTimeoutMs: number;
  /** Unset, each host picks its own: debug in a terminal, info in the cloud. */
  logLevel?: LogLevel;
}

const readAppEnv = envReader("app settings", {
  STAGE: text("local"),
  APP_VERSION: text("dev"),
  HEALTH_TIMEOUT_MS: integer(50, 25_000, 2_000),
  LOG_LEVEL: choice(LOG_LEVELS),
});

/** Host-independent settings of the app, read once at start-up. */
export function runtimeSettings(env: Record<string, string | undefined>): RuntimeSettings {
  const settings = readAppEnv(env);
  return {
    stage: settings.STAGE,
    version: settings.APP_VERSION,
    healthTimeoutMs: settings.HEALTH_TIMEOUT_MS,
    logLevel: settings.LOG_LEVEL,
  };
}
