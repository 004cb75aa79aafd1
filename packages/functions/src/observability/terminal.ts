import { Logger, LogLevelThreshold, type LogItem } from "@aws-lambda-powertools/logger";
import type { ConstructorOptions, LogAttributes, LogItemExtraInput, LogItemMessage } from "@aws-lambda-powertools/logger/types";
import { LeanLogFormatter } from "./log-formatter";
import { plainRecord } from "./plain-record";
import { SERVICE, type Telemetry, type TelemetrySettings } from "./telemetry";

// Constant for the whole process, so left out of every line.
const CONSTANT_KEYS = new Set(["service", "sampling_rate"]);

const coloured = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (coloured ? `\x1b[${code}m${text}\x1b[0m` : text);
const LEVEL_COLOURS: Record<string, number> = { ERROR: 31, CRITICAL: 31, WARN: 33, DEBUG: 90, TRACE: 90 };

// What a request controls (its path, a correlation id, an error's message) must not move the cursor, colour the
// terminal or start a forged line: C0 and C1 controls are written as escapes. An error's own line breaks stay.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROLS_BUT_LINE_BREAKS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
const escaped = (char: string) => `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`;
const inert = (text: string, controls = CONTROLS) => text.replace(controls, escaped);

/** A field's text, or nothing where Powertools drops the field (LogItem.removeEmptyKeys). */
const fieldText = (value: unknown) => (value === undefined || value === null || value === "" ? undefined : inert(typeof value === "string" ? value : JSON.stringify(value)));

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
 * Collects stdout lines and writes them once per turn of the event loop: a terminal or pipe write is a
 * synchronous system call, and under load one per request cost the local server a tenth of its throughput.
 */
const stdoutBatch = (() => {
  let pending = "";
  const flush = () => {
    if (pending === "") return;
    process.stdout.write(pending);
    pending = "";
  };
  process.on("exit", flush);
  return (text: string) => {
    if (pending === "") setImmediate(flush);
    pending += text;
  };
})();

/**
 * The Powertools logger printing `time LEVEL message key=value…` instead of JSON, so `npm start` reads like a
 * terminal log. Fields the message already says (`GET /data 200`) or that never change are left out.
 */
export class TerminalLogger extends Logger {
  /** Whether every record is the caller's fields alone: no temporary keys, no Lambda context. */
  #callerFieldsOnly = true;

  // LeanLogFormatter: its timestamps are the UTC ones `info` prints.
  constructor(options: ConstructorOptions & { logFormatter: LeanLogFormatter }) {
    super(options);
  }

  /**
   * A record of plain fields (a request's line) is printed here, straight from its fields: the very line
   * Powertools' path below prints for them (telemetry.test.ts compares the two), without building Powertools'
   * JSON record first; 3.7 us a line against 8.3 us. Anything else takes Powertools' path.
   */
  override info(input: LogItemMessage, ...extra: LogItemExtraInput): void {
    if (extra.length > 0 || !this.#callerFieldsOnly || this.level > LogLevelThreshold.INFO || process.env._X_AMZN_TRACE_ID || !plainRecord(input)) {
      return super.info(input, ...extra);
    }
    const { message, ...fields } = input;
    // LeanLogFormatter's timestamp, without LogFormatter.formatTimestamp's read of TZ from the environment.
    const time = new Date().toISOString().slice(11, 23);
    stdoutBatch(`${this.#head(time, "INFO", message, fields)}\n`);
  }

  override appendKeys(attributes: LogAttributes): void {
    this.#callerFieldsOnly = false;
    super.appendKeys(attributes);
  }

  override addContext(context: Parameters<Logger["addContext"]>[0]): void {
    this.#callerFieldsOnly = false;
    super.addContext(context);
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    const { level, message, timestamp, error, ...fields } = log.getAttributes();
    const head = this.#head(String(timestamp).slice(11, 23), String(level), message, fields);
    const text = `${[head, ...errorLines(error).map((line) => paint(31, line))].join("\n")}\n`;
    if (logLevel >= LogLevelThreshold.ERROR) process.stderr.write(text);
    else stdoutBatch(text);
  }

  /** `time LEVEL message key=value…`: the fields but those never changing, empty, or said by the message. */
  #head(time: string, level: string, message: unknown, fields: Record<string, unknown>): string {
    const said = inert(String(message));
    const words = said.split(" ");
    const persistent = this.getPersistentLogAttributes();
    let details = "";
    for (const key in fields) {
      if (CONSTANT_KEYS.has(key) || key in persistent) continue;
      const text = fieldText(fields[key]);
      if (text !== undefined && !words.includes(text)) details += `${details === "" ? "" : " "}${key}=${text}`;
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
