import type { LogLevel } from "@aws-lambda-powertools/logger/types";
import * as z from "zod/mini";

const Env = z.object({
  STAGE: z._default(z.string().check(z.minLength(1)), "local"),
  APP_VERSION: z._default(z.string().check(z.minLength(1)), "dev"),
  HEALTH_TIMEOUT_MS: z._default(z.pipe(z.coerce.number(), z.int().check(z.minimum(50), z.maximum(25_000))), 2_000),
  // Unset, each host picks its own: debug in a terminal, info in the cloud.
  LOG_LEVEL: z.optional(
    z.pipe(
      z.string().check(z.toUpperCase()),
      z.enum(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"]),
    ),
  ),
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
