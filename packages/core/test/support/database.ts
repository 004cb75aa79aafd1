import { fileURLToPath } from "node:url";
import { APP_ROLE } from "../../src/db/app-role";
import { databaseConfigFromEnv } from "../../src/db/config";
import type { Database, DatabaseHandle, Queryable } from "../../src/db/database";
import { openDatabase } from "../../src/db/open";

export const migrationsFolder = fileURLToPath(new URL("../../../../drizzle", import.meta.url));

export interface TestDatabase extends DatabaseHandle {
  /**
   * `db` is the application role's (`data_api`), as in a deployed stage: a table the role was given no rights on
   * fails the tests, not the deploy. `migrate` runs as the owner.
   */
  db: Database;
  /**
   * Runs `work` as the tables' owner, the role the migrations ran as: for a test that changes the schema under the
   * app (renaming a table to provoke an error), which the application role may not do.
   */
  asOwner<T>(work: (owner: Queryable) => Promise<T>): Promise<T>;
  /** Empties every table of the application (schema public) and restarts their ids at 1, as the owner. */
  reset(): Promise<void>;
}

/** Every table in public, not drizzle's own journal (schema drizzle); one statement, so foreign keys between them do not matter. */
const TRUNCATE_EVERY_TABLE = `DO $$
DECLARE
  tables text;
BEGIN
  SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') INTO tables FROM pg_tables WHERE schemaname = 'public';
  IF tables IS NOT NULL THEN
    EXECUTE 'TRUNCATE TABLE ' || tables || ' RESTART IDENTITY';
  END IF;
END $$`;

/** The same server and database as `url`, logged in as the application role (trust authentication, or PgBouncer's userlist). */
async function openAsAppRole(url: string): Promise<DatabaseHandle> {
  const appUrl = new URL(url);
  appUrl.username = APP_ROLE;
  appUrl.password = "";
  const handle = await openDatabase(databaseConfigFromEnv({ DATABASE_URL: appUrl.toString() }));
  try {
    await handle.db.query(`select 1`);
  } catch (error) {
    await handle.close();
    throw new Error(
      `The app tests connect as ${APP_ROLE} (created by drizzle/0001_app_role.sql) to ${appUrl.host}${appUrl.pathname}: ` +
        "let it log in there without a password (trust in pg_hba.conf; PgBouncer: .ci/pgbouncer.sh lists it)",
      { cause: error },
    );
  }
  return handle;
}

/**
 * The database the tests run on: PostgreSQL when DATABASE_URL is set, otherwise PGlite in memory. The migrations run
 * as DATABASE_URL's user (the owner, as the deploy's migration function runs as the administrator); the returned
 * `db` is the application role's.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const owner = await openDatabase(databaseConfigFromEnv({ DATABASE_URL: url, DATABASE_POOL_MAX: "2" }));
    let app: DatabaseHandle;
    try {
      await owner.migrate(migrationsFolder);
      app = await openAsAppRole(url);
    } catch (error) {
      await owner.close();
      throw error;
    }
    return {
      db: app.db,
      description: `${app.description} as ${APP_ROLE}`,
      migrate: (folder) => owner.migrate(folder),
      asOwner: (work) => work(owner.db),
      reset: async () => {
        await owner.db.query(TRUNCATE_EVERY_TABLE);
      },
      close: async () => {
        await Promise.allSettled([app.close(), owner.close()]);
      },
    };
  }

  // PGlite has one session: it migrates as its superuser, then takes the application role for the rest of the session.
  // The owner's statements run in a transaction with SET LOCAL ROLE NONE (back to the session's user), which PGlite
  // runs alone, so the app's queries never see the owner's role.
  const handle = await openDatabase(databaseConfigFromEnv({}));
  const asOwner = <T>(work: (owner: Queryable) => Promise<T>): Promise<T> =>
    handle.db.transaction(async (tx) => {
      await tx.query(`set local role none`);
      return work(tx);
    });
  try {
    await handle.migrate(migrationsFolder);
    await handle.db.query(`set role ${APP_ROLE}`);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return {
    ...handle,
    description: `${handle.description} as ${APP_ROLE}`,
    migrate: async (folder) => {
      await handle.db.query(`reset role`);
      try {
        await handle.migrate(folder);
      } finally {
        await handle.db.query(`set role ${APP_ROLE}`);
      }
    },
    asOwner,
    reset: async () => {
      await asOwner((owner) => owner.query(TRUNCATE_EVERY_TABLE));
    },
  };
}
