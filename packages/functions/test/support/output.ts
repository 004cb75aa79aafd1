import { vi } from "vitest";
import { flushLines } from "../../src/observability/stdout-lines";

/** A CloudWatch embedded metric format document, as Powertools Metrics prints it. */
export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

export type LogRecord = Record<string, unknown> & { level: string; message: string };

export interface Output {
  /** Everything written to stdout and stderr, line by line. */
  lines: string[];
  /** The lines that are JSON log records. */
  logs: LogRecord[];
  /** The lines that are EMF documents. */
  metrics: EmfDocument[];
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** Runs `action` while holding back what it writes to stdout and stderr (where Lambda's logs come from). */
export async function captureOutput<T>(action: () => Promise<T>): Promise<{ result: T } & Output> {
  const lines: string[] = [];
  const hold = (chunk: unknown) => {
    lines.push(...String(chunk).split("\n").filter((line) => line !== ""));
    return true;
  };
  const spies = [vi.spyOn(process.stdout, "write").mockImplementation(hold), vi.spyOn(process.stderr, "write").mockImplementation(hold)];
  try {
    const result = await action();
    // The terminal logger holds its lines for a while: they are written now.
    flushLines();
    const records = lines.map(parse).filter((record): record is Record<string, unknown> => typeof record === "object" && record !== null);
    return {
      result,
      lines,
      logs: records.filter((record): record is LogRecord => "level" in record),
      metrics: records.filter((record): record is EmfDocument => "_aws" in record),
    };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
