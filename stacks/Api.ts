import * as logs from "aws-cdk-lib/aws-logs";
import { NagSuppressions } from "cdk-nag";
import { Api as HttpApi, Function, use, type StackContext } from "sst/constructs";
import { useStageConfig } from "./config";
import { Database } from "./Database";

/** One JSON object per request: enough to find a request in the function's logs and to see where time went. */
const ACCESS_LOG_FORMAT = JSON.stringify({
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
});

/** The Hono app on Lambda behind an HTTP API; inside the VPC, next to the proxy, where the stage has a database. */
export function Api({ stack, app }: StackContext) {
  const config = useStageConfig(app);
  const database = config.database ? use(Database) : undefined;

  const fn = new Function(stack, "ApiFunction", {
    handler: "packages/functions/src/api.handler",
    memorySize: config.api.memoryMiB,
    timeout: config.api.timeoutSeconds,
    environment: {
      STAGE: app.stage,
      // One connection per execution environment: Lambda runs one request at a time, the proxy does the pooling.
      DATABASE_POOL_MAX: "1",
      ...(database
        ? {
            DB_HOST: database.connection.host,
            DB_PORT: database.connection.port,
            DB_NAME: database.connection.database,
            DB_USER: database.connection.user,
            DB_IAM_AUTH: "true",
          }
        : config.developerDatabaseUrl
          ? { DATABASE_URL: config.developerDatabaseUrl }
          : {}),
    },
    logGroup: new logs.LogGroup(stack, "ApiFunctionLogs", { retention: config.logRetention, removalPolicy: config.removal }),
    ...database?.clientPlacement,
  });
  database?.proxy.grantConnect(fn, database.connection.user);

  const accessLogs = new logs.LogGroup(stack, "AccessLogs", { retention: config.logRetention, removalPolicy: config.removal });
  const api = new HttpApi(stack, "Api", {
    routes: { $default: fn },
    defaults: { throttle: config.api.throttle },
    accessLog: { destinationArn: accessLogs.logGroupArn, format: ACCESS_LOG_FORMAT },
    cors: {
      allowOrigins: [config.webOrigin],
      allowMethods: ["GET", "POST", "DELETE"],
      allowHeaders: ["content-type", "x-correlation-id"],
      // Link leads the page to the next page of records; the ids tie a response to its log lines.
      exposeHeaders: ["link", "x-request-id", "x-correlation-id"],
      maxAge: "1 day",
    },
    customDomain: config.domain && { domainName: config.domain.api, hostedZone: config.domain.zone },
  });

  NagSuppressions.addResourceSuppressions(
    api,
    [{ id: "AwsSolutions-APIG4", reason: "The API is public by design, like the Flask app it replaces; stage throttling bounds abuse." }],
    true,
  );
  stack.addOutputs({ ApiUrl: api.url, ApiCustomDomainUrl: api.customDomainUrl });
  return { api, fn, url: api.customDomainUrl ?? api.url };
}
