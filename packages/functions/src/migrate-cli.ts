import { databaseConfigFromEnv } from "@data-api/core/db";
import { openDatabase } from "@data-api/core/db/local";
import { refuseToStart, startStep } from "./host/startup";
import { paths } from "./paths";

// `npm run db:migrate`: fails as `npm start` does, in one line that says what and why (a folder in use, a server down).
try {
  const database = await startStep("the database", () => openDatabase(databaseConfigFromEnv(process.env, paths.pglite)));
  try {
    await startStep(database.description, () => database.migrate(paths.migrations));
    console.log(`Migrations in ${paths.migrations} applied to ${database.description}`);
  } finally {
    await database.close();
  }
} catch (error) {
  refuseToStart(error, "migrate");
}
