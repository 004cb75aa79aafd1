import type { LogAttributes } from "@aws-lambda-powertools/logger/types";

/**
 * Keys a record's fields cannot be printed as they come with: Powertools drops its reserved keys (with a warning),
 * places the keys of its own record where that record has them, skips what its deep merge refuses, and prints an
 * `error` apart.
 */
const KEYS_POWERTOOLS_PLACES = new Set(["level", "message", "timestamp", "service", "sampling_rate", "cold_start", "function_arn", "function_memory_size", "function_name", "function_request_id", "xray_trace_id", "tenant_id", "error", "__proto__", "constructor"]);

/**
 * A record of strings, numbers and booleans only, with a message and no key Powertools treats apart: what our
 * loggers print themselves, where Powertools' path would print the very same line after building it record by
 * record (telemetry.test.ts compares the two).
 */
export function plainRecord(input: unknown): input is LogAttributes & { message: string } {
  if (typeof input !== "object" || input === null || input instanceof Error) return false;
  // Powertools prints a missing or empty message as "undefined".
  if (typeof (input as { message?: unknown }).message !== "string" || (input as { message: string }).message === "") return false;
  for (const key in input) {
    if (key !== "message" && KEYS_POWERTOOLS_PLACES.has(key)) return false;
    const value = (input as Record<string, unknown>)[key];
    if (typeof value === "object" ? value !== null : typeof value === "bigint" || typeof value === "function" || typeof value === "symbol") return false;
  }
  return true;
}
