import { Logger, LogLevelThreshold } from "@aws-lambda-powertools/logger";
import type { LogAttributes, LogItemExtraInput, LogItemMessage } from "@aws-lambda-powertools/logger/types";
import { plainRecord } from "./plain-record";

/**
 * A Powertools logger that prints a record of plain fields (a request's line) itself, straight from its fields,
 * as the very line Powertools' path prints (telemetry.test.ts compares the two): without the copies and deep merges
 * that path makes of every record. Anything else takes Powertools' path: extra arguments, records below the level,
 * temporary keys, and whatever a subclass leaves to it.
 */
export abstract class PlainLineLogger extends Logger {
  /**
   * Powertools' level, read again whenever it is set: each read of `level` reads the environment (whether Lambda
   * runs invocations at once), a microsecond a record. Every change after construction goes through `setLogLevel`
   * (debug sampling, Lambda's log level controls included).
   */
  #level = this.level;
  #printsPlainLines = true;

  override setLogLevel(...args: Parameters<Logger["setLogLevel"]>): void {
    super.setLogLevel(...args);
    // Powertools' constructor sets its level before this class's fields exist.
    if (#level in this) this.#level = this.level;
  }

  override appendKeys(attributes: LogAttributes): void {
    this.leaveToPowertools();
    super.appendKeys(attributes);
  }

  override info(input: LogItemMessage, ...extra: LogItemExtraInput): void {
    if (extra.length > 0 || !this.#printsPlainLines || this.#level > LogLevelThreshold.INFO || !plainRecord(input)) {
      return super.info(input, ...extra);
    }
    this.printPlain(input);
  }

  /** From now on, every record takes Powertools' path: it holds state this logger's own lines would miss. */
  protected leaveToPowertools(): void {
    this.#printsPlainLines = false;
  }

  /** Prints `record` (its message and fields, nothing Powertools places itself) as Powertools' path would. */
  protected abstract printPlain(record: LogAttributes & { message: string }): void;
}
