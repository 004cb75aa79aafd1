import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { PostgresConfig } from "@data-api/core/db";

/** What ./migration-process.ts is sent, and what it answers. */
export interface MigrationWork {
  config: PostgresConfig;
  migrationsFolder: string;
}
export interface MigrationOutcome {
  /** Why it failed, in one line (host/startup.ts, reasonOf); absent once the migrations are applied. */
  failed?: string;
}

const MIGRATION_PROCESS = fileURLToPath(new URL("./migration-process.ts", import.meta.url));

/**
 * Applies the migrations to PostgreSQL in a Node process of their own, whose heap goes when it ends. Applied in the
 * server's process, drizzle's migrator stayed loaded there for good, 2.2 MB of its live heap (heap snapshots under
 * load); and the larger the live heap, the more each young collection under load promotes and the longer it pauses
 * (the README's benchmarks). A process rather than a worker thread: Node 20 gives a worker none of tsx's loader,
 * which runs `npm start`.
 */
export function migrateApart(work: MigrationWork): Promise<void> {
  return new Promise((resolve, reject) => {
    // The same Node options, tsx's loader among them; its notices and warnings go where the server's do.
    const child = fork(MIGRATION_PROCESS, { stdio: "inherit" });
    child.once("message", ({ failed }: MigrationOutcome) => (failed === undefined ? resolve() : reject(new Error(failed))));
    child.once("error", reject);
    // Past an answer, a settled promise ignores this.
    child.once("exit", (code, signal) => reject(new Error(`the migration process ended (${code ?? signal}) before it answered`)));
    // Sent, not passed on the command line, where any user of the machine could read the database's URL.
    child.send(work);
  });
}
