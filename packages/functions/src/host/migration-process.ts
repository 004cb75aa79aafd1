/** The process ./migrate-apart.ts forks: applies the migrations it is sent, answers once, and ends. */
import { openPostgres } from "@data-api/core/db";
import type { MigrationOutcome, MigrationWork } from "./migrate-apart";
import { reasonOf } from "./startup";

process.once("message", async ({ config, migrationsFolder }: MigrationWork) => {
  const database = openPostgres(config);
  let outcome: MigrationOutcome = {};
  try {
    await database.migrate(migrationsFolder);
  } catch (error) {
    // An error would cross to the server without its cause and code, which say why: the reason is read here.
    outcome = { failed: reasonOf(error) };
  } finally {
    await database.close();
  }
  // Disconnected once sent: with nothing else to do, the process ends.
  process.send!(outcome, () => process.disconnect());
});
