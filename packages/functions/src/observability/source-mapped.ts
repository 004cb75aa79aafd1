import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * Stack traces in the logs that point at the TypeScript, paid for only when something fails. Node's
 * --enable-source-maps reads and parses the bundle's whole source map at start-up, about 8 ms of every cold start
 * (bench/cold-start.ts); this reads it the first time an error is logged, with Node's own SourceMap, and maps the
 * frames of this bundle. Unbundled (tsx, tests) there is no map beside the module, and stacks stay as they are.
 */
const bundle = fileURLToPath(import.meta.url);
let map: SourceMap | null | undefined;

function sourceMap(): SourceMap | null {
  if (map === undefined) {
    try {
      map = existsSync(`${bundle}.map`) ? new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, "utf8"))) : null;
    } catch {
      map = null;
    }
  }
  return map;
}

// A frame of this file: "(/var/task/api.mjs:1:2345)" or "at /var/task/api.mjs:1:2345", with or without file://.
const FRAME = /(?:file:\/\/)?([^\s()]+):(\d+):(\d+)/g;

/** `stack` with every frame of this bundle replaced by its place in the TypeScript (`src/app.ts:12:5`). */
function sourceMappedStack(stack: string): string {
  const mapping = sourceMap();
  if (!mapping) return stack;
  return stack.replace(FRAME, (frame, file: string, line: string, column: string) => {
    if (file !== bundle) return frame;
    const entry = mapping.findEntry(Number(line) - 1, Number(column) - 1);
    if (!("originalSource" in entry) || !entry.originalSource) return frame;
    const source = entry.originalSource.replace(/^(?:file:\/\/)?(?:\.\.\/)*/, "");
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

/** A copy of `error` (and of its causes) whose stack points at the TypeScript, for a log line. */
export function withSourceMappedStack<E extends Error>(error: E): E {
  if (!sourceMap()) return error;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(error) as object) as E, error);
  // name, message, stack and cause are own properties of most errors, but not always enumerable ones.
  Object.defineProperties(copy, {
    name: { value: error.name, enumerable: false, writable: true, configurable: true },
    message: { value: error.message, enumerable: false, writable: true, configurable: true },
    stack: { value: typeof error.stack === "string" ? sourceMappedStack(error.stack) : error.stack, enumerable: false, writable: true, configurable: true },
    cause: { value: error.cause instanceof Error ? withSourceMappedStack(error.cause) : error.cause, enumerable: false, writable: true, configurable: true },
  });
  return copy;
}
