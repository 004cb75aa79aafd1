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
 * Written as a JSON number, not a string: the latency objective's metric filter compares it with `>=`. API
 * Gateway gives every answer a response latency; the integration's is `-` where no integration ran (a refused
 * token, a throttled request), so it stays a string.
 */
const NUMERIC: ReadonlySet<Field> = new Set(["latencyMs"]);

/** Each field's name, for what reads the log (the metric filter, the saved queries). */
export const ACCESS_LOG_FIELDS = Object.fromEntries(Object.keys(FIELDS).map((name) => [name, name])) as { [Name in Field]: Name };

export const ACCESS_LOG_FORMAT = `{${Object.entries(FIELDS)
  .map(([name, variable]) => (NUMERIC.has(name as Field) ? `"${name}":${variable}` : `"${name}":"${variable}"`))
  .join(",")}}`;
