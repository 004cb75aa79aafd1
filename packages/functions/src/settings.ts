import type { LogLevel } from "@aws-lambda-powertools/logger/types";
import { EnvReader } from "@data-api/core/env";

const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"] as const satisfies LogLevel[];

export interface RuntimeSettings {
  stage: string;
  version: string;
  healthTimeoutMs: number;
  /** Unset, each host picks its own: debug in a terminal, info in the cloud. */
  logLevel?: LogLevel;
}

/** Host-independent settings of the app, read once at start-up. */
export function runtimeSettings(env: Record<string, string | undefined>): RuntimeSettings {
  const read = new EnvReader(env);
  const settings = {
    stage: read.text("STAGE", "local"),
    version: read.text("APP_VERSION", "dev"),
    healthTimeoutMs: read.integer("HEALTH_TIMEOUT_MS", 50, 25_000, 2_000),
    logLevel: read.choice("LOG_LEVEL", LOG_LEVELS),
  };
  read.check("app settings");
  return settings;
}
