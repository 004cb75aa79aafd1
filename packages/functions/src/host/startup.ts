import { PgliteFolderError } from "@data-api/core/db/local";

/**
 * How `npm start` fails to start: one line on stderr, `data-api: cannot start: <what> (<reason>)`, and exit code 1.
 * Each of these is a setting or the machine, not a bug, so a stack trace would only hide the one line that matters.
 */

/** A start-up step that failed: what could not be used, and why. */
export class CannotStart extends Error {
  constructor(
    readonly subject: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${subject} (${reason})`, options);
    this.name = "CannotStart";
  }
}

// Node's socket and DNS codes, and postgres.js's own, in words.
const PHRASES: Record<string, string> = {
  EADDRINUSE: "address already in use: another process listens there; stop it or set PORT",
  EADDRNOTAVAIL: "not an address of this machine; check HOST",
  EACCES: "permission denied",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found (the DNS lookup failed)",
  ECONNREFUSED: "connection refused: is it running, on that port?",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "timed out",
  CONNECT_TIMEOUT: "no answer within DATABASE_CONNECT_TIMEOUT",
};

/** The innermost error of a chain (`cause`), or the first of an AggregateError (localhost's ::1 and 127.0.0.1). */
function root(error: unknown): unknown {
  for (let current = error; ; ) {
    if (current instanceof AggregateError && current.errors.length > 0 && !(current as NodeJS.ErrnoException).code) {
      current = current.errors[0];
    } else if (current instanceof Error && current.cause !== undefined) {
      current = current.cause;
    } else {
      return current;
    }
  }
}

/** Why `error` stopped the start, in one line. */
export function reasonOf(error: unknown): string {
  if (error instanceof PgliteFolderError || error instanceof CannotStart) return error.reason;
  const cause = root(error);
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code && code in PHRASES) return PHRASES[code]!;
  const message = cause instanceof Error ? cause.message : String(cause);
  // PostgreSQL's own refusals (a wrong password, a missing database) are one line already.
  return message.split("\n")[0]!.trim() || (code ?? "unknown error");
}

/** Runs one step of the start; whatever it throws becomes a CannotStart naming `subject`. */
export async function startStep<T>(subject: string, run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CannotStart) throw error;
    // The folder's errors already name the folder better than the step could.
    if (error instanceof PgliteFolderError) throw new CannotStart(error.subject, error.reason, { cause: error });
    throw new CannotStart(subject, reasonOf(error), { cause: error });
  }
}

/** Prints the one line (`data-api: cannot <doing>: …`) and exits 1. */
export function refuseToStart(error: unknown, doing = "start"): never {
  const line = error instanceof CannotStart ? error.message : `${reasonOf(error)}`;
  process.stderr.write(`data-api: cannot ${doing}: ${line.replace(/\s*\n\s*/g, " ")}\n`);
  process.exit(1);
}
