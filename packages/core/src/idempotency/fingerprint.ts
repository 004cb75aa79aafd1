import { createHash } from "node:crypto";

/** JSON with every object's keys sorted: one text for every spelling of the same value. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * What identifies a request's body (a parsed JSON value): the sha-256, in hex, of its canonical JSON. Whitespace and
 * the order of keys do not change it; any value does.
 */
export const fingerprint = (body: unknown): string => createHash("sha256").update(canonicalJson(body)).digest("hex");
