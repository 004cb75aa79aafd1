import { Logger } from "@aws-lambda-powertools/logger";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SERVICE, cloudTelemetry } from "../src/observability/telemetry";
import { lambdaContext } from "./support/events";
import { captureOutput } from "./support/output";

const settings = { stage: "test", version: "1.2.3", logLevel: "info" as const };

/** What a logger prints for `log`, at a fixed time, in a Lambda invocation with a trace id. */
async function printed(logger: Logger, log: (logger: Logger) => void) {
  vi.useFakeTimers({ now: new Date("2026-12-06T10:20:30.456Z"), toFake: ["Date"] });
  vi.stubEnv("_X_AMZN_TRACE_ID", "Root=1-67891233-abcdef012345678912345678;Parent=0123456789abcdef;Sampled=1");
  logger.addContext(lambdaContext());
  const { lines } = await captureOutput(async () => log(logger));
  return lines;
}

/** Powertools' own logger with its own formatter and printing: what ours must match. */
const powertools = () => new Logger({ serviceName: SERVICE, logLevel: "info", persistentKeys: { stage: settings.stage, version: settings.version } });

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe("the Lambda's logger", () => {
  const line = { message: "GET /data 200", method: "GET", route: "/data", path: "/data", status: 200, latency_ms: 1.5, request_id: "r-1", removed: { id: 7, name: "x", createdAt: new Date(0), createdBy: null } };

  it("prints a request's line exactly as Powertools would: the same keys, in the same order, on one line", async () => {
    const ours = await printed(cloudTelemetry(settings).logger, (logger) => logger.info(line));
    const theirs = await printed(powertools(), (logger) => logger.info(line));
    expect(ours).toHaveLength(1);
    expect(ours).toEqual(theirs);
    expect(JSON.parse(ours[0]!)).toMatchObject({ level: "INFO", cold_start: expect.any(Boolean), function_request_id: lambdaContext().awsRequestId, xray_trace_id: "1-67891233-abcdef012345678912345678" });
  });

  it("prints errors as Powertools does, their stack and cause formatted", async () => {
    const error = new Error("boom", { cause: new Error("root") });
    const ours = await printed(cloudTelemetry(settings).logger, (logger) => logger.error({ message: "GET /data 500" }, error));
    const theirs = await printed(powertools(), (logger) => logger.error({ message: "GET /data 500" }, error));
    expect(ours).toEqual(theirs);
    expect(JSON.parse(ours[0]!).error).toMatchObject({ name: "Error", message: "boom", cause: { message: "root" } });
  });

  it("still prints a line plain JSON cannot write (a BigInt), through Powertools' own printing", async () => {
    const ours = await printed(cloudTelemetry(settings).logger, (logger) => logger.info({ message: "big", count: 10n ** 20n }));
    expect(JSON.parse(ours[0]!)).toMatchObject({ message: "big", count: "100000000000000000000" });
  });

  it("keeps quiet below its level", async () => {
    const ours = await printed(cloudTelemetry({ ...settings, logLevel: "warn" }).logger, (logger) => logger.info(line));
    expect(ours).toEqual([]);
  });
});
