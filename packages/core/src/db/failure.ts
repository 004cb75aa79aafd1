import { DrizzleQueryError } from "drizzle-orm";
import { DatabaseUnavailableError } from "../error";

/** Whether an error came from the database (unreachable, or a query it refused) rather than from our code. */
export function isDatabaseFailure(error: unknown): boolean {
  return error instanceof DatabaseUnavailableError || error instanceof DrizzleQueryError;
}
