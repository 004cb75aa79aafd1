import { DrizzleQueryError } from "drizzle-orm";
import { DatabaseUnavailableError } from "../error";

/** Whether an error came from the database (unreachable, or a query it refused) rather than from our code. */
export function isDatabaseFailure(error: unknown): boolean {
  return error instanceof DatabaseUnavailableError || error instanceof DrizzleQueryError;
}

/** The SQLSTATE of a query the database refused, through drizzle's wrapping error. */
export function sqlState(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}
