/** An error and each of its causes in turn, with the fields drivers put on them (postgres.js, node:net, drizzle). */
export function* causes(error: unknown): Generator<Error & { code?: unknown; severity?: unknown }> {
  for (let current = error; current instanceof Error; current = current.cause) yield current;
}
