import { Logger, LogLevelThreshold, type LogItem } from "@aws-lambda-powertools/logger";
import type { ConstructorOptions, LogAttributes } from "@aws-lambda-powertools/logger/types";
import { isoNow } from "./iso-now";
import { LeanLogFormatter } from "./log-formatter";
import { PlainLineLogger } from "./plain-line-logger";
import { flushLines, writeLines } from "./stdout-lines";
import { SERVICE } from "./names";
import type { Telemetry, TelemetrySettings } from "./telemetry";

// Keys a line never shows as fields: the head says them (level, message, time), the error follows it, and the
// service and sampling rate are constant for the whole process.
const KEYS_NOT_SHOWN = new Set(["level", "message", "timestamp", "error", "service", "sampling_rate"]);

const coloured = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (coloured ? `\x1b[${code}m${text}\x1b[0m` : text);
const LEVEL_COLOURS: Record<string, number> = { ERROR: 31, CRITICAL: 31, WARN: 33, DEBUG: 90, TRACE: 90 };

// What a request controls (its path, a correlation id, an error's message) must not move the cursor, colour the
// terminal or start a forged line: C0 and C1 controls are written as escapes. An error's own line breaks stay.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROLS_BUT_LINE_BREAKS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
// Tested first: a replace with a function calls into the runtime even when nothing matches.
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const escaped = (char: string) => `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`;
const inert = (text: string, controls = CONTROLS) => (ANY_CONTROL.test(text) ? text.replace(controls, escaped) : text);

/** A field's text, or nothing where Powertools drops the field (LogItem.removeEmptyKeys). */
const fieldText = (value: unknown) => (value === undefined || value === null || value === "" ? undefined : inert(typeof value === "string" ? value : JSON.stringify(value)));

/** Whether `word` is one of the space-separated words of `text`: looked for, where splitting `text` made an array a line. */
function isWordOf(word: string, text: string): boolean {
  if (word.includes(" ")) return false;
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    if ((at === 0 || text.charCodeAt(at - 1) === 32) && (at + word.length === text.length || text.charCodeAt(at + word.length) === 32)) return true;
  }
  return false;
}

/** What is logged as an error: an Error, its cause, or a Powertools-formatted copy of one. */
interface FormattedError {
  message?: string;
  stack?: string | string[];
  cause?: unknown;
}

function errorLines(error: unknown, prefix = ""): string[] {
  if (typeof error !== "object" || error === null) return error === undefined ? [] : [`${prefix}${inert(String(error), CONTROLS_BUT_LINE_BREAKS)}`];
  const { message, stack, cause } = error as FormattedError;
  const text = Array.isArray(stack) ? stack.join("\n") : (stack ?? message ?? "");
  return [`${prefix}${inert(text, CONTROLS_BUT_LINE_BREAKS)}`, ...errorLines(cause, "Caused by: ")];
}

/**
 * The Powertools logger printing `time LEVEL message key=value…` instead of JSON, so `npm start` reads like a
 * terminal log. Fields the message already says (`GET /data 200`) or that never change are left out.
 */
export class TerminalLogger extends PlainLineLogger {
  // LeanLogFormatter: its timestamps are the UTC ones `printPlain` prints.
  constructor(options: ConstructorOptions & { logFormatter: LeanLogFormatter }) {
    super(options);
    // Powertools adds an X-Ray trace from the environment to every record; a developer's terminal has none.
    if (process.env._X_AMZN_TRACE_ID) this.leaveToPowertools();
  }

  protected override printPlain(record: LogAttributes & { message: string }): void {
    // LeanLogFormatter's timestamp, without LogFormatter.formatTimestamp's read of TZ from the environment.
    writeLines(`${this.#head(isoNow().slice(11, 23), "INFO", record)}\n`);
  }

  override addContext(context: Parameters<Logger["addContext"]>[0]): void {
    this.leaveToPowertools();
    super.addContext(context);
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    const record = log.getAttributes();
    const head = this.#head(String(record.timestamp).slice(11, 23), String(record.level), record);
    const text = `${[head, ...errorLines(record.error).map((line) => paint(31, line))].join("\n")}\n`;
    if (logLevel < LogLevelThreshold.ERROR) return writeLines(text);
    // The lines held for stdout go first, so that a terminal shows the error after what came before it.
    flushLines();
    process.stderr.write(text);
  }

  /** `time LEVEL message key=value…`: the fields but those never changing, empty, or said by the message. */
  #head(time: string, level: string, record: Record<string, unknown>): string {
    const said = inert(String(record.message));
    const persistent = this.getPersistentLogAttributes();
    let details = "";
    for (const key in record) {
      if (KEYS_NOT_SHOWN.has(key) || key in persistent) continue;
      const text = fieldText(record[key]);
      if (text !== undefined && !isWordOf(text, said)) details += `${details === "" ? "" : " "}${key}=${text}`;
    }
    const head = `${paint(90, time)} ${paint(LEVEL_COLOURS[level] ?? 36, level.padEnd(5))} ${said}`;
    return details === "" ? head : `${head} ${paint(90, details)}`;
  }
}

/** One readable line per log record and no metrics, for `npm start`. */
export function terminalTelemetry({ stage, version, logLevel = "debug" }: TelemetrySettings): Telemetry {
  // Times in UTC, as CloudWatch shows the Lambda's.
  const logFormatter = new LeanLogFormatter();
  return { logger: new TerminalLogger({ serviceName: SERVICE, logLevel, persistentKeys: { stage, version }, logFormatter }) };
}
