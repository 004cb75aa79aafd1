import { envReader, optionalText, text, type EnvOf } from "@data-api/core/env";

export interface MigrationSettings {
  /** The drizzle-kit folder, copied beside the handler by the stack. */
  migrationsDir: string;
  /** The secret of the application role, whose password the migration sets; absent where nothing logs in as it. */
  appRoleSecretArn?: string;
}

const MIGRATION_SETTINGS = {
  MIGRATIONS_DIR: text("drizzle"),
  APP_ROLE_SECRET_ARN: optionalText,
};
const readMigrationEnv = envReader("migration settings", MIGRATION_SETTINGS);

/** What the deploy's migration function is told, besides its database. */
export function migrationSettings(env: Record<string, string | undefined>): MigrationSettings {
  const settings = readMigrationEnv(env);
  return { migrationsDir: settings.MIGRATIONS_DIR, appRoleSecretArn: settings.APP_ROLE_SECRET_ARN };
}

/** The environment `migrationSettings` reads `settings` from: what the Database stack gives the function. */
export function migrationEnv({ migrationsDir, appRoleSecretArn }: MigrationSettings): EnvOf<typeof MIGRATION_SETTINGS> {
  return { MIGRATIONS_DIR: migrationsDir, ...(appRoleSecretArn !== undefined && { APP_ROLE_SECRET_ARN: appRoleSecretArn }) };
}
