import type {
  APIGatewayEventRequestContextJWTAuthorizer,
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import type { handle, LambdaEvent } from "hono/aws-lambda";
import { checkAnswer } from "./contract";

export interface EventInput {
  method: string;
  path: string;
  query?: string;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  base64?: boolean;
  pathParameters?: Record<string, string>;
  requestId?: string;
  /**
   * What API Gateway's JWT authorizer verified, as it hands it on (`requestContext.authorizer.jwt`): the token's
   * claims (strings, numbers, booleans; an array claim as API Gateway flattens it, "[a b]") and its scopes.
   */
  authorizer?: { claims: APIGatewayEventRequestContextJWTAuthorizer["jwt"]["claims"]; scopes?: string[] | null };
}

/** The claims API Gateway passes on for a verified access token like Cognito's, with `scope` its space-separated scopes. */
export function jwtClaims(subject: string, scope: string, extra: Record<string, string> = {}): NonNullable<EventInput["authorizer"]> {
  const issued = 1_795_683_000;
  return {
    claims: {
      sub: subject,
      iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TEST",
      client_id: "3n4b5urk1ft4fl3mg5e62d9ado",
      token_use: "access",
      scope,
      auth_time: String(issued),
      iat: String(issued),
      exp: String(issued + 3_600),
      jti: "4b7f8d2e-0c1a-4f57-9d36-6a3c2b1e0f9a",
      ...extra,
    },
    scopes: scope.split(" ").filter(Boolean),
  };
}

/**
 * An API Gateway HTTP API (payload format 2.0) event, as the $default stage of a real API sends it; with
 * `authorizer`, as a route guarded by a JWT authorizer sends it once the token passed.
 */
export function httpApiEvent(input: EventInput): APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer {
  const query = input.query ?? "";
  const domainName = "abc123.execute-api.eu-west-1.amazonaws.com";
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: input.path,
    rawQueryString: query,
    cookies: input.cookies,
    headers: {
      accept: "application/json",
      host: domainName,
      "user-agent": "vitest",
      "x-forwarded-for": "198.51.100.7",
      "x-forwarded-port": "443",
      "x-forwarded-proto": "https",
      ...(input.body === undefined ? {} : { "content-length": String(Buffer.byteLength(input.body)) }),
      ...input.headers,
    },
    queryStringParameters: query ? Object.fromEntries(new URLSearchParams(query)) : undefined,
    pathParameters: input.pathParameters,
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName,
      domainPrefix: "abc123",
      http: {
        method: input.method,
        path: input.path,
        protocol: "HTTP/1.1",
        sourceIp: "198.51.100.7",
        userAgent: "vitest",
      },
      requestId: input.requestId ?? "JKJaXmPLvHcESHA=",
      routeKey: "$default",
      stage: "$default",
      time: "27/Nov/2026:09:00:00 +0000",
      timeEpoch: 1_795_683_600_000,
      ...(input.authorizer && {
        authorizer: {
          principalId: "",
          integrationLatency: 0,
          jwt: { claims: input.authorizer.claims, scopes: input.authorizer.scopes ?? [] },
        },
      }),
    },
    body: input.body === undefined ? undefined : input.base64 ? Buffer.from(input.body).toString("base64") : input.body,
    isBase64Encoded: input.base64 ?? false,
  };
}

export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "data-api-test-api",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:data-api-test-api",
    memoryLimitInMB: "512",
    awsRequestId: "8f0b6a8e-0c8a-4c51-9d6e-1b2f7f1f0e11",
    logGroupName: "/aws/lambda/data-api-test-api",
    logStreamName: "2026/11/27/[$LATEST]0123456789abcdef",
    getRemainingTimeInMillis: () => 10_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export type InvokeResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; headers: Record<string, string>; body: string };

/**
 * Calls a Hono Lambda handler the way the Lambda runtime does for an HTTP API route; what it answers API Gateway is
 * checked against the OpenAPI document (support/contract.ts).
 */
export async function invoke(handler: ReturnType<typeof handle>, input: EventInput): Promise<InvokeResult> {
  // hono types `body` as `string | null` where AWS omits it; the runtime object is the AWS one.
  const result = (await handler(httpApiEvent(input) as unknown as LambdaEvent, lambdaContext())) as InvokeResult;
  const body = result.isBase64Encoded ? Buffer.from(result.body, "base64").toString("utf8") : result.body;
  checkAnswer({ method: input.method, path: input.path, status: result.statusCode, headers: result.headers, body });
  return result;
}
