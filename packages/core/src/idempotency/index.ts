/** Idempotency-Key for writes: `Idempotency.once` runs a write once per key and gives its answer to every retry. */
export * as Idempotency from "./idempotency";
export type { Answer, KeyedRequest, Outcome } from "./idempotency";
