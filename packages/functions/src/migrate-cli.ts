import { databaseConfigFromEnv } from "@data-api/core/db/config";
import { openDatabase } from "@data-api/core/db/open";
import { paths } from "./paths";

const database = await openDatabase(databaseConfigFromEnv(process.env, paths.pglite));
try {
  await database.migrate(paths.migrations);
  console.log(`Migrations in ${paths.migrations} applied to ${database.description}`);
} finally {
  await database.close();
}
