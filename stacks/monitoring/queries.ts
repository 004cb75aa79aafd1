import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";

/** The log groups a saved query reads: the API function's (its Powertools lines) and API Gateway's access log. */
export type QueriedLog = "function" | "access";

/** What a responder replaces in a query before running it. */
export const PLACEHOLDER = "<id>";

export interface SavedQuery {
  /** After "<stage>-data-api/": its name in the Logs Insights console's saved queries. */
  name: string;
  logs: readonly QueriedLog[];
  /** Its commands; CDK writes them in Logs Insights' order: fields, parse, filter, stats, sort, limit, display. */
  query: logs.QueryStringProps;
}

/**
 * The questions the design documents answered with Kibana. Field names are those of the function's log line
 * (packages/functions/src/observability/observe.ts, with Powertools' own) and of the access log
 * (stacks/api/access-log.ts); `@`-fields are Logs Insights' own, `@type` and `@initDuration` those it finds in
 * Lambda's REPORT line.
 */
export const SAVED_QUERIES: readonly SavedQuery[] = [
  {
    name: "errors-by-route",
    logs: ["function"],
    query: { filterStatements: ["status >= 500"], statsStatements: ["count(*) as errors by route, status, error.name"], sort: "errors desc" },
  },
  {
    name: "slowest-requests",
    logs: ["access"],
    query: {
      fields: ["@timestamp", "method", "path", "status", "latencyMs", "integrationLatencyMs", "requestId"],
      sort: "latencyMs desc",
      limit: 50,
    },
  },
  {
    // The function's line has both ids (its request id is API Gateway's); the access log only the request id.
    // A client's own x-correlation-id finds the function's line, whose request_id then finds the access log's.
    name: "request-by-correlation-id",
    logs: ["access", "function"],
    query: {
      fields: ["@timestamp", "@log", "method", "path", "status", "latencyMs", "integrationError", "latency_ms", "caller", "problem", "error.message", "request_id", "requestId"],
      filterStatements: [`correlation_id = "${PLACEHOLDER}" or request_id = "${PLACEHOLDER}" or requestId = "${PLACEHOLDER}"`],
      sort: "@timestamp asc",
    },
  },
  {
    // Lambda's REPORT line has an init duration only for the invocation that started a new environment.
    name: "cold-starts-per-hour",
    logs: ["function"],
    query: {
      filterStatements: ['@type = "REPORT" and ispresent(@initDuration)'],
      statsStatements: ["count(*) as coldStarts, avg(@initDuration) as avgInitMs, max(@initDuration) as maxInitMs by bin(1h)"],
    },
  },
  {
    // The app's 4xx carry the message the client got (`problem`); API Gateway's own refusals (no token,
    // throttled) never reach the function, and carry its message in the access log's `error`.
    name: "4xx-by-message",
    logs: ["function", "access"],
    query: {
      fields: ["coalesce(problem, error) as answer"],
      filterStatements: ["status >= 400 and status < 500", 'ispresent(problem) or integrationStatus = "-"'],
      statsStatements: ["count(*) as answers by status, answer"],
      sort: "answers desc",
    },
  },
  {
    // `caller` is the token's subject, where writes are signed-in; public writes have none.
    name: "writes-by-caller",
    logs: ["function"],
    query: { filterStatements: ['method in ["POST", "DELETE"] and status < 300'], statsStatements: ["count(*) as writes by caller, method"], sort: "writes desc" },
  },
];

/** The saved queries as Logs Insights query definitions, each on the log groups it reads. */
export function savedQueries(scope: Construct, prefix: string, groups: Record<QueriedLog, logs.ILogGroup>): logs.QueryDefinition[] {
  return SAVED_QUERIES.map(
    ({ name, logs: read, query }) =>
      new logs.QueryDefinition(scope, `Query-${name}`, {
        queryDefinitionName: `${prefix}/${name}`,
        queryString: new logs.QueryString(query),
        logGroups: read.map((log) => groups[log]),
      }),
  );
}
