import { z } from "zod";

const Env = z.object({
  STAGE: z.string().min(1).default("local"),
  APP_VERSION: z.string().min(1).default("dev"),
  HEALTH_TIMEOUT_MS: z.coerce.number().int().min(50).max(25_000).default(2_000),
});

export interface RuntimeSettings {
  stage: string;
  version: string;
  healthTimeoutMs: number;
}

/** Host-independent settings of the app, read once at start-up. */
export function runtimeSettings(env: Record<string, string | undefined>): RuntimeSettings {
  const settings = Env.parse(env);
  return { stage: settings.STAGE, version: settings.APP_VERSION, healthTimeoutMs: settings.HEALTH_TIMEOUT_MS };
}
