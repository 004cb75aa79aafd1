import { randomUUID } from "node:crypto";
import { QueryString } from "aws-cdk-lib/aws-logs";
import { handle } from "hono/aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ACCESS_LOG_FIELDS } from "../../../stacks/api/access-log";
import { SAVED_QUERIES, type QueriedLog } from "../../../stacks/monitoring/queries";
import { openTestDatabase, type TestDatabase } from "../../core/test/support/database";
import { createApp } from "../src/app";
import { cloudTelemetry } from "../src/observability/telemetry";
import { invoke, jwtClaims, type EventInput } from "./support/events";
import { captureOutput } from "./support/output";

/**
 * The saved queries (stacks/monitoring/queries.ts) against what the logs really hold: the function's lines as the
 * API writes them on Lambda, for a read, a write of a signed-in caller, a delete, a refused request and a failure;
 * the access log's fields as stacks/api/access-log.ts has API Gateway write them.
 */

/** The Logs Insights commands (CloudWatch Logs "Query syntax"). */
const COMMANDS = new Set(["display", "fields", "filter", "filterIndex", "stats", "sort", "limit", "parse", "dedup", "unmask", "pattern", "diff"]);
/** The functions the queries may call, from the same reference: aggregations, then general ones. */
const FUNCTIONS = new Set(["count", "count_distinct", "avg", "sum", "min", "max", "pct", "stddev", "earliest", "latest", "sortsFirst", "sortsLast", "bin", "ispresent", "isempty", "isblank", "coalesce", "concat", "strlen", "toupper", "tolower", "abs", "floor", "ceil"]);
const KEYWORDS = new Set(["and", "or", "not", "in", "like", "as", "by", "asc", "desc"]);
/**
 * Fields Logs Insights finds itself: in every log group, and in a Lambda function's, those of the runtime's
 * REPORT line (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html).
 */
const DISCOVERED = ["@timestamp", "@message", "@log", "@logStream", "@ingestionTime"];
const LAMBDA_REPORT = ["@type", "@requestId", "@duration", "@billedDuration", "@memorySize", "@maxMemoryUsed", "@initDuration"];

/** Every key of a log line, nested ones as Logs Insights names them (`error.message`). */
function keys(record: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(record).flatMap(([key, value]) =>
    value && typeof value === "object" && !Array.isArray(value) ? [`${prefix}${key}`, ...keys(value as Record<string, unknown>, `${prefix}${key}.`)] : [`${prefix}${key}`],
  );
}

let database: TestDatabase;
const fields: Record<QueriedLog, Set<string>> = { function: new Set(), access: new Set() };

beforeAll(async () => {
  database = await openTestDatabase();
  // The requests below expect an empty table whose first record gets id 1, whatever ran before on this database.
  await database.reset();
  vi.stubEnv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
  const settings = { stage: "test", version: "1.2.3", healthTimeoutMs: 2_000 };
  const handler = handle(createApp({ db: database.db, ...settings, writes: "signed-in", telemetry: cloudTelemetry(settings) }));
  const writer = jwtClaims("user-1", "data/write");
  const requests: EventInput[] = [
    { method: "GET", path: "/data" },
    { method: "POST", path: "/data", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "Ada" }), authorizer: writer },
    { method: "DELETE", path: "/data/1", pathParameters: { id: "1" }, authorizer: writer },
    { method: "POST", path: "/data", headers: { "content-type": "application/json" }, body: "{}", authorizer: writer },
  ];
  const lines: Record<string, unknown>[] = [];
  for (const request of requests) lines.push(...(await captureOutput(() => invoke(handler, { requestId: `${randomUUID()}=`, ...request }))).logs);
  // A failure: the table gone, as after a release that expects another schema.
  await database.asOwner((owner) => owner.query(`alter table data rename to data_moved`));
  try {
    lines.push(...(await captureOutput(() => invoke(handler, { requestId: `${randomUUID()}=`, method: "GET", path: "/data" }))).logs);
  } finally {
    await database.asOwner((owner) => owner.query(`alter table data_moved rename to data`));
  }
  expect(lines.map((line) => line.status)).toEqual([200, 200, 200, 400, 500]);
  for (const line of lines) for (const key of keys(line)) fields.function.add(key);
  for (const field of [...DISCOVERED, ...LAMBDA_REPORT]) fields.function.add(field);
  for (const field of [...Object.keys(ACCESS_LOG_FIELDS), ...DISCOVERED]) fields.access.add(field);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await database?.close();
});

/** A query's commands, its function calls and the field names it reads (those it names with `as` left out). */
function parse(text: string) {
  const commands = text.split("\n| ").map((line) => line.trim());
  // String literals hold values, not names.
  const bare = text.replace(/"[^"]*"/g, '""');
  const aliases = new Set([...bare.matchAll(/\bas\s+(\w+)/g)].map((match) => match[1]!));
  const calls = [...bare.matchAll(/([A-Za-z_]\w*)\(/g)].map((match) => match[1]!);
  const names = [...bare.matchAll(/(?<![\w.@])@?[A-Za-z_][\w.]*(?!\w*\()/g)]
    .map((match) => match[0])
    .filter((name, index, all) => !KEYWORDS.has(name) && !aliases.has(name) && !FUNCTIONS.has(name) && all.indexOf(name) === index);
  return { commands: commands.map((command) => command.split(/\s/)[0]!), calls, names: names.filter((name) => !COMMANDS.has(name)) };
}

describe("the function's log lines, as the queries read them", () => {
  it("carry the fields the queries group and filter by", () => {
    for (const field of ["route", "status", "method", "latency_ms", "request_id", "correlation_id", "caller", "problem", "error.name", "error.message"]) {
      expect(fields.function, field).toContain(field);
    }
  });
});

describe.each(SAVED_QUERIES.map((query) => [query.name, query] as const))("the saved query %s", (_, query) => {
  const text = new QueryString(query.query).toString();

  it("is made of Logs Insights commands and functions only", () => {
    const { commands, calls } = parse(text);
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(COMMANDS, `${command} in:\n${text}`).toContain(command);
    for (const call of calls) expect(FUNCTIONS, `${call}() in:\n${text}`).toContain(call);
  });

  it("reads only fields that the log groups it runs on have", () => {
    const known = new Set(query.logs.flatMap((log) => [...fields[log]]));
    const { names } = parse(text);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(known, `${name} in:\n${text}`).toContain(name);
  });
});

describe("the query checks", () => {
  it("catch a field no log line has, and a command Logs Insights lacks (they can fail)", () => {
    expect(parse("fields statuz\n| filter x = 1").names).toEqual(["statuz", "x"]);
    expect(fields.function).not.toContain("statuz");
    expect(COMMANDS).not.toContain(parse("where status = 500").commands[0]);
  });
});
