import { Logger, LogLevelThreshold, type LogItem } from "@aws-lambda-powertools/logger";
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
  protected override printLog(logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    const { level, message, timestamp, error, ...fields } = log.getAttributes();
    const persistent = this.getPersistentLogAttributes();
    const said = new Set(inert(String(message)).split(" "));
    const details = Object.entries(fields)
      .map(([key, value]) => [key, inert(typeof value === "string" ? value : JSON.stringify(value))] as const)
      .filter(([key, text]) => !CONSTANT_KEYS.has(key) && !(key in persistent) && !said.has(text))
      .map(([key, text]) => `${key}=${text}`);
    const name = String(level);
    const time = String(timestamp).slice(11, 23);
    const head = [paint(90, time), paint(LEVEL_COLOURS[name] ?? 36, name.padEnd(5)), inert(String(message))];
    if (details.length > 0) head.push(paint(90, details.join(" ")));
    const lines = [head.join(" "), ...errorLines(error).map((line) => paint(31, line))];
    const text = `${lines.join("\n")}\n`;
    if (logLevel >= LogLevelThreshold.ERROR) process.stderr.write(text);
    else stdoutBatch(text);
  }
}

/** One readable line per log record and no metrics, for `npm start`. */
export function terminalTelemetry({ stage, version, logLevel = "debug" }: TelemetrySettings): Telemetry {
  return { logger: new TerminalLogger({ serviceName: SERVICE, logLevel, persistentKeys: { stage, version } }) };
}
