import type { Queryable } from "./database";

/** The role the API logs in as; drizzle/0001_app_role.sql creates it with only the grants the API needs. */
export const APP_ROLE = "data_api";

/** An E'' literal means the same whatever standard_conforming_strings says. */
function literal(value: string): string {
  return `E'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

const identifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Lets `role` log in with `password`. ALTER ROLE takes no bind parameters, so the password is sent as a quoted
 * literal; keep `log_statement` off DDL on servers where this runs.
 */
export async function setLoginPassword(db: Queryable, role: string, password: string): Promise<void> {
  await db.query(`ALTER ROLE ${identifier(role)} WITH LOGIN PASSWORD ${literal(password)}`);
}
