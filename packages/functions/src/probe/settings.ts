import { envReader, integer, type EnvOf } from "@data-api/core/env";
import * as v from "valibot";
import type { ProbeTarget } from "./checks";

const PROBE_SETTINGS = {
  /** The API's public base URL. */
  PROBE_URL: v.pipe(v.string("must be set"), v.url("must be an absolute URL")),
  PROBE_LATENCY_MS: integer(1, 10_000, 1_000),
};
const readProbeEnv = envReader("probe settings", PROBE_SETTINGS);

/** What the canary probes, from the environment the stack gives it. */
export function probeTarget(env: Record<string, string | undefined>): ProbeTarget {
  const settings = readProbeEnv(env);
  return { baseUrl: settings.PROBE_URL, latencyMs: settings.PROBE_LATENCY_MS };
}

/** The environment `probeTarget` reads `target` from. */
export function probeEnv({ baseUrl, latencyMs }: ProbeTarget): EnvOf<typeof PROBE_SETTINGS> {
  return { PROBE_URL: baseUrl, PROBE_LATENCY_MS: String(latencyMs) };
}
