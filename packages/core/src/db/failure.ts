import { DatabaseUnavailableError } from "../error";
import { causes } from "./causes";
import { QueryError } from "./database";

/** Whether an error came from the database (unreachable, or a statement it refused) rather than from our code. */
export function isDatabaseFailure(error: unknown): boolean {
  return error instanceof DatabaseUnavailableError || error instanceof QueryError;
}

/** The SQLSTATE of a statement the database refused, through the QueryError around it. */
export function sqlState(error: unknown): string | undefined {
  for (const { code } of causes(error)) if (typeof code === "string") return code;
  return undefined;
}
