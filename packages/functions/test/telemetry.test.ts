import { Logger } from "@aws-lambda-powertools/logger";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SERVICE, cloudTelemetry } from "../src/observability/telemetry";
import { TerminalLogger, terminalTelemetry } from "../src/observability/terminal";
import { lambdaContext } from "./support/events";
import { captureOutput } from "./support/output";

const settings = { stage: "test", version: "1.2.3", logLevel: "info" as const };

type Log = (logger: Logger) => void;

/** Powertools' own logger, with its own formatter and printing: what ours (LeanLogFormatter, CloudLogger) must print, byte for byte. */
const powertools = (logLevel: "info" | "warn" = "info") =>
  new Logger({ serviceName: SERVICE, logLevel, persistentKeys: { stage: settings.stage, version: settings.version } });
const ours = (logLevel: "info" | "warn" = "info") => cloudTelemetry({ ...settings, logLevel }).logger;

/** What `logger` prints for each step, in invocations of a cold execution environment (none: before the first). */
async function printed(logger: Logger, steps: Log[], invocations = 2): Promise<string[]> {
  const lines: string[] = [];
  for (let invocation = 0; invocation < invocations; invocation++) {
    if (invocation > 0) logger.addContext({ ...lambdaContext(), awsRequestId: `request-${invocation}` });
    for (const step of steps) lines.push(...(await captureOutput(async () => step(logger))).lines);
  }
  return lines;
}

async function expectSame(steps: Log[], logLevel: "info" | "warn" = "info", invocations = 2) {
  const theirs = await printed(powertools(logLevel), steps, invocations);
  expect(await printed(ours(logLevel), steps, invocations)).toEqual(theirs);
  return theirs;
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-12-06T10:20:30.456Z"), toFake: ["Date"] });
  // Set by Lambda in on-demand environments, where Powertools reports cold starts; and an X-Ray trace.
  vi.stubEnv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
  vi.stubEnv("_X_AMZN_TRACE_ID", "Root=1-67891233-abcdef012345678912345678;Parent=0123456789abcdef;Sampled=1");
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe("the Lambda's logger", () => {
  const line = { message: "GET /data 200", method: "GET", route: "/data", status: 200, latency_ms: 1.5, removed: { id: 7, createdAt: new Date(0), createdBy: null } };

  it("prints a request's line as Powertools would: the same keys in the same order, cold start and trace included", async () => {
    const [before, cold, warm] = await expectSame([(logger) => logger.info(line)], "info", 3).then((lines) => lines.map((text) => JSON.parse(text)));
    expect(before).not.toHaveProperty("cold_start");
    expect(cold).toMatchObject({ level: "INFO", cold_start: true, function_request_id: "request-1", xray_trace_id: "1-67891233-abcdef012345678912345678", stage: "test" });
    expect(warm).toMatchObject({ cold_start: false, function_request_id: "request-2" });
  });

  it("stamps each line with the millisecond it was written in, as Powertools does", async () => {
    const stamps = async (logger: Logger) => {
      vi.setSystemTime(new Date("2026-12-06T10:20:30.456Z"));
      const steps: Log[] = [(logger) => logger.info({ message: "GET /data 200" }), () => vi.setSystemTime(Date.now() + 1)];
      return (await printed(logger, [...steps, ...steps], 1)).map((text) => JSON.parse(text).timestamp);
    };
    const theirs = await stamps(powertools());
    expect(await stamps(ours())).toEqual(theirs);
    expect(theirs).toEqual(["2026-12-06T10:20:30.456Z", "2026-12-06T10:20:30.457Z"]);
  });

  it("prints any record of plain fields as Powertools would", async () => {
    const reserved = new Set(["level", "message", "sampling_rate", "service", "timestamp"]);
    const field = fc.oneof(fc.constantFrom("constructor", "__proto__", "toString"), fc.string({ minLength: 1, maxLength: 12 })).filter((key) => !reserved.has(key));
    const value = fc.oneof(fc.constant(null), fc.constant(""), fc.constant(undefined), fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.dictionary(field, fc.oneof(fc.string(), fc.constant(null), fc.integer())));
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.dictionary(field, value, { maxKeys: 6 }), async (message, fields) => {
        await expectSame([(logger) => logger.info({ message, ...fields })]);
      }),
      { numRuns: 200 },
    );
  });

  it("prints errors, warnings, a message alone, extra arguments, reserved and temporary keys as Powertools would", async () => {
    // Made once, so that both loggers print the same stacks.
    const error = new Error("boom", { cause: new Error("root") });
    const retried = new Error("first try", { cause: new Error("reset") });
    const bad = new TypeError("bad");
    const lines = await expectSame([
      (logger) => logger.error({ message: "GET /data 500" }, error),
      (logger) => logger.warn({ message: "slow", ms: 900 }),
      (logger) => logger.warn({ message: "retried" }, retried),
      (logger) => logger.info({ message: "nested", attempt: { error: bad } }),
      (logger) => logger.info("just a message"),
      (logger) => logger.info({ message: "with extra" }, { extra: 1 }),
      // Powertools' types forbid its reserved keys; JavaScript callers can still pass them.
      (logger) => logger.info({ message: "reserved", service: "other", level: "X" } as { message: string }),
      (logger) => {
        logger.appendKeys({ tenant: "t-1" });
        logger.info({ message: "with a temporary key" });
      },
    ]);
    expect(JSON.parse(lines[0]!).error).toMatchObject({ name: "Error", message: "boom", cause: { message: "root" } });
    // An Error in a record below ERROR, printed by our own path, is formatted too, not written as {}.
    expect(JSON.parse(lines[2]!).error).toMatchObject({ name: "Error", message: "first try", cause: { message: "reset" } });
    expect(JSON.parse(lines[3]!).attempt.error).toMatchObject({ name: "TypeError", message: "bad" });
    expect(lines.some((text) => JSON.parse(text).tenant === "t-1")).toBe(true);
  });

  it("leaves out a persistent key with no value where Powertools does, even when a record sets it", async () => {
    const steps: Log[] = [(logger) => logger.info({ message: "GET /data 200", status: 200, version: "from the record" })];
    const theirs = await printed(new Logger({ serviceName: SERVICE, logLevel: "info", persistentKeys: { stage: "test", version: undefined } }), steps);
    expect(await printed(cloudTelemetry({ ...settings, version: undefined as unknown as string }).logger, steps)).toEqual(theirs);
    expect(Object.keys(JSON.parse(theirs[0]!)).slice(-3)).toEqual(["stage", "status", "version"]);
  });

  it("leaves invocations running at once (Lambda's multi-concurrency) to Powertools, which keeps each one's context", async () => {
    vi.stubEnv("AWS_LAMBDA_MAX_CONCURRENCY", "2");
    const { InvokeStore } = await import("@aws/lambda-invoke-store");
    const store = await InvokeStore.getInstanceAsync(true);
    const logger = ours();
    const invocation = (requestId: string, delayMs: number) =>
      store.run({}, async () => {
        logger.addContext({ ...lambdaContext(), awsRequestId: requestId });
        // The first writes its line after the second has added its context.
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        logger.info({ message: "GET /data 200", status: 200 });
      });
    const { lines } = await captureOutput(async () => {
      await Promise.all([invocation("first", 20), invocation("second", 0)]);
    });
    expect(lines.map((text) => JSON.parse(text).function_request_id)).toEqual(["second", "first"]);
  });

  it("still prints a line plain JSON cannot write (a BigInt), through Powertools' own printing", async () => {
    const [text] = await printed(ours(), [(logger) => logger.info({ message: "big", count: 10n ** 20n })], 1);
    expect(JSON.parse(text!)).toMatchObject({ message: "big", count: "100000000000000000000" });
  });

  it("keeps quiet below its level", async () => {
    expect(await printed(ours("warn"), [(logger) => logger.info(line), (logger) => logger.info({ message: "GET /health 200", status: 200 })])).toEqual([]);
  });

  it("follows its level as it changes, as debug sampling and Lambda's log level controls change it", async () => {
    const steps: Log[] = [
      (logger) => logger.setLogLevel("WARN"),
      (logger) => logger.info({ message: "quiet", status: 200 }),
      (logger) => logger.setLogLevel("INFO"),
      (logger) => logger.info({ message: "heard", status: 200 }),
    ];
    expect(await printed(ours(), steps, 1)).toEqual([expect.stringContaining('"message":"heard"')]);
  });
});

describe("the terminal's logger", () => {
  // A developer's machine has no X-Ray trace.
  beforeEach(() => vi.stubEnv("_X_AMZN_TRACE_ID", undefined));

  /** The terminal's logger taking Powertools' path for every record: what its own path must print, byte for byte. */
  class PowertoolsPath extends TerminalLogger {
    override info(...args: Parameters<Logger["info"]>): void {
      Logger.prototype.info.apply(this, args);
    }
  }
  const terminal = (logLevel: "info" | "warn" = "info") => terminalTelemetry({ ...settings, logLevel }).logger;
  const reference = (logLevel: "info" | "warn" = "info") => {
    const logger = terminal(logLevel);
    Object.setPrototypeOf(logger, PowertoolsPath.prototype);
    return logger;
  };

  async function expectSameLines(steps: Log[], logLevel: "info" | "warn" = "info") {
    const theirs = await printed(reference(logLevel), steps, 1);
    expect(await printed(terminal(logLevel), steps, 1)).toEqual(theirs);
    return theirs;
  }

  it("prints a request's line as its Powertools path does, without the fields the message says", async () => {
    const [line] = await expectSameLines([(logger) => logger.info({ message: "DELETE /data/12 404", method: "DELETE", route: "/data/:id", path: "/data/12", status: 404, latency_ms: 1.5, request_id: "r-1" })]);
    expect(line).toBe("10:20:30.456 INFO  DELETE /data/12 404 route=/data/:id latency_ms=1.5 request_id=r-1");
  });

  it("shows each line's millisecond, and a field the message says only within a word", async () => {
    const steps: Log[] = [(logger) => logger.info({ message: "GET /data 200", path: "/data", status: 20, method: "GET /data" }), () => vi.setSystemTime(Date.now() + 1)];
    const lines = await expectSameLines([() => vi.setSystemTime(new Date("2026-12-06T10:20:30.456Z")), ...steps, ...steps]);
    expect(lines).toEqual(["10:20:30.456 INFO  GET /data 200 status=20 method=GET /data", "10:20:30.457 INFO  GET /data 200 status=20 method=GET /data"]);
  });

  it("prints any record as its Powertools path does", async () => {
    const field = fc.oneof(fc.constantFrom("constructor", "__proto__", "error", "service", "level", "cold_start", "stage", "1"), fc.string({ minLength: 1, maxLength: 12 }));
    const value = fc.oneof(fc.constant(null), fc.constant(""), fc.constant(undefined), fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.date({ noInvalidDate: true }), fc.dictionary(field, fc.oneof(fc.string(), fc.integer())));
    const message = fc.oneof(fc.string(), fc.constant(undefined), fc.integer());
    await fc.assert(
      fc.asyncProperty(message, fc.dictionary(field, value, { maxKeys: 6 }), async (text, fields) => {
        await expectSameLines([(logger) => logger.info({ ...fields, message: text } as { message: string })]);
      }),
      { numRuns: 300 },
    );
  });

  it("takes Powertools' path for temporary keys, a Lambda context, an X-Ray trace, extra arguments and records below its level", async () => {
    const steps: Log[] = [
      (logger) => logger.info({ message: "with extra", id: 1 }, { more: 2 }),
      (logger) => {
        logger.appendKeys({ tenant: "t-1" });
        logger.info({ message: "with a temporary key" });
      },
      (logger) => {
        logger.addContext(lambdaContext());
        logger.info({ message: "in an invocation" });
      },
    ];
    const lines = await expectSameLines(steps);
    expect(lines).toEqual([
      expect.stringMatching(/INFO {2}with extra id=1 more=2$/),
      expect.stringMatching(/with a temporary key tenant=t-1$/),
      expect.stringMatching(/in an invocation cold_start=true function_arn=/),
    ]);
    vi.stubEnv("_X_AMZN_TRACE_ID", "Root=1-67891233-abcdef012345678912345678");
    expect(await expectSameLines([(logger) => logger.info({ message: "traced" })])).toEqual([expect.stringMatching(/traced xray_trace_id=1-67891233/)]);
    expect(await expectSameLines([(logger) => logger.info({ message: "quiet" })], "warn")).toEqual([]);
  });

  it("shows an error after the lines logged before it", async () => {
    const steps: Log[] = [
      (logger) => {
        logger.info({ message: "before" });
        logger.error({ message: "failed" });
      },
    ];
    expect(await printed(terminal(), steps, 1)).toEqual([expect.stringMatching(/INFO {2}before$/), expect.stringMatching(/ERROR failed$/)]);
  });

  it("follows its level as it changes", async () => {
    const steps: Log[] = [
      (logger) => logger.setLogLevel("WARN"),
      (logger) => logger.info({ message: "quiet" }),
      (logger) => logger.setLogLevel("INFO"),
      (logger) => logger.info({ message: "heard" }),
    ];
    expect(await printed(terminal(), steps, 1)).toEqual([expect.stringMatching(/INFO {2}heard$/)]);
  });
});
