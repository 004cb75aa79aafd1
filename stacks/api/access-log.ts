/** API Gateway's access log: one JSON object per request, enough to find it in the function's log and to see where time went. */
const FIELDS = {
  requestId: "$context.requestId",
  requestTime: "$context.requestTime",
  ip: "$context.identity.sourceIp",
  method: "$context.httpMethod",
  path: "$context.path",
  routeKey: "$context.routeKey",
  status: "$context.status",
  responseLength: "$context.responseLength",
  latencyMs: "$context.responseLatency",
  integrationLatencyMs: "$context.integrationLatency",
  integrationStatus: "$context.integrationStatus",
  integrationError: "$context.integrationErrorMessage",
  error: "$context.error.message",
} as const;

type Field = keyof typeof FIELDS;

/**
 * Written as JSON numbers, not strings: the latency objective's metric filter compares `latencyMs` with `>=`, and
 * the saved queries compare statuses. API Gateway gives every answer a status and a response latency; the
 * integration's are `-` where no integration ran (a refused token, a throttled request), so they stay strings.
 */
const NUMERIC: ReadonlySet<Field> = new Set(["status", "latencyMs"]);

/** Each field's name, for what reads the log (the metric filter, the saved queries). */
export const ACCESS_LOG_FIELDS = Object.fromEntries(Object.keys(FIELDS).map((name) => [name, name])) as { [Name in Field]: Name };

export const ACCESS_LOG_FORMAT = `{${Object.entries(FIELDS)
  .map(([name, variable]) => (NUMERIC.has(name as Field) ? `"${name}":${variable}` : `"${name}":"${variable}"`))
  .join(",")}}`;
