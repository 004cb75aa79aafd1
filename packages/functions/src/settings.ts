import type { LogLevel } from "@aws-lambda-powertools/logger/types";
import { z } from "zod";

const Env = z.object({
  STAGE: z.string().min(1).default("local"),
  APP_VERSION: z.string().min(1).default("dev"),
  HEALTH_TIMEOUT_MS: z.coerce.number().int().min(50).max(25_000).default(2_000),
  // Unset, each host picks its own: debug in a terminal, info in the cloud.
  LOG_LEVEL: z.string().toUpperCase().pipe(z.enum(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"])).optional(),
});

export interface RuntimeSettings {
  stage: string;
  version: string;
  healthTimeoutMs: number;
  logLevel?: LogLevel;
}

/** Host-independent settings of the app, read once at start-up. */
export function runtimeSettings(env: Record<string, string | undefined>): RuntimeSettings {
  const settings = Env.parse(env);
  return {
    stage: settings.STAGE,
    version: settings.APP_VERSION,
    healthTimeoutMs: settings.HEALTH_TIMEOUT_MS,
    logLevel: settings.LOG_LEVEL,
  };
}
