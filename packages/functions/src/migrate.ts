import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { openPostgres, postgresConfigFromEnv, setLoginPassword, waitForDatabase } from "@data-api/core/db";
import { migrationSettings } from "./migration-settings";

/** How long a first deploy may wait for its new proxy; the stack gives the function five minutes in all. */
const CONNECT_PATIENCE_MS = 240_000;

interface RoleCredentials {
  username: string;
  password: string;
}

/** The application role's credentials, from the RDS-style JSON secret the stack generates (and rotation keeps current). */
async function readRoleCredentials(secretId: string): Promise<RoleCredentials> {
  const { SecretString } = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }));
  const secret = JSON.parse(SecretString ?? "{}") as Partial<RoleCredentials>;
  if (!secret.username || !secret.password) throw new Error(`Secret ${secretId} holds no username and password`);
  return { username: secret.username, password: secret.password };
}

/**
 * Invoked by the deploy's Script before traffic moves; throwing fails the deploy. Applies the migrations, then,
 * when APP_ROLE_SECRET_ARN is set, gives the application role (created by the migrations) its password from that
 * secret, so RDS Proxy can log in as it.
 */
export async function handler(): Promise<{ migrated: true }> {
  const { migrationsDir, appRoleSecretArn } = migrationSettings(process.env);
  const database = openPostgres(await postgresConfigFromEnv(process.env, { maxConnections: 1 }));
  try {
    await waitForDatabase(database.db, CONNECT_PATIENCE_MS);
    await database.migrate(migrationsDir);
    if (appRoleSecretArn) {
      const role = await readRoleCredentials(appRoleSecretArn);
      await setLoginPassword(database.db, role.username, role.password);
    }
    return { migrated: true };
  } finally {
    await database.close();
  }
}
