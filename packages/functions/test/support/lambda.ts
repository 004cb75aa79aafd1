import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";

/** A function behind an HTTP API, as Lambda calls it. */
export type HttpApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface HttpRequest {
  method: string;
  /** Path with an optional query string, e.g. `/data?limit=5`. */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

const API_ID = "a1b2c3d4e5";
const DOMAIN = `${API_ID}.execute-api.eu-west-1.amazonaws.com`;

/** The API Gateway HTTP API (payload format 2.0) event that invokes the function for `request`. */
export function httpApiEvent({ method, url, headers = {}, body }: HttpRequest): APIGatewayProxyEventV2 {
  const [path = "/", rawQueryString = ""] = url.split("?", 2);
  const query = new URLSearchParams(rawQueryString);
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString,
    headers: {
      accept: "*/*",
      host: DOMAIN,
      "user-agent": "vitest",
      "x-forwarded-for": "203.0.113.7",
      "x-forwarded-proto": "https",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
    },
    ...(query.size > 0 ? { queryStringParameters: Object.fromEntries(query) } : {}),
    requestContext: {
      accountId: "123456789012",
      apiId: API_ID,
      domainName: DOMAIN,
      domainPrefix: API_ID,
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "vitest" },
      requestId: `${randomUUID().slice(0, 14)}=`,
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    isBase64Encoded: false,
  };
}

/** The context object Lambda passes with each invocation of the API function. */
export function lambdaContext(): Context {
  const functionName = "data-api-test-Api";
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2025/01/01/[$LATEST]${randomUUID().replaceAll("-", "")}`,
    getRemainingTimeInMillis: () => 10_000,
    // Callback-style leftovers of the Context type; async handlers never call them.
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
