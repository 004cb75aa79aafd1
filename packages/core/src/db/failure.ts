import { DrizzleQueryError } from "drizzle-orm";
import { DatabaseUnavailableError } from "../error";
import { causes } from "./causes";

/** Whether an error came from the database (unreachable, or a query it refused) rather than from our code. */
export function isDatabaseFailure(error: unknown): boolean {
  return error instanceof DatabaseUnavailableError || error instanceof DrizzleQueryError;
}

/** The SQLSTATE of a query the database refused, through drizzle's wrapping error. */
export function sqlState(error: unknown): string | undefined {
  for (const { code } of causes(error)) if (typeof code === "string") return code;
  return undefined;
}
