import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** The drizzle-kit output folder, relative to the project root (SST runs from there). */
export const MIGRATIONS_DIR = "drizzle";

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/** A digest of every file name and content under `dir`: it changes exactly when the migrations do. */
export function migrationsVersion(dir: string): string {
  const hash = createHash("sha256");
  for (const file of files(dir)) hash.update(relative(dir, file)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex").slice(0, 16);
}
