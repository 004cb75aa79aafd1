import * as logs from "aws-cdk-lib/aws-logs";
import { NagSuppressions } from "cdk-nag";
import { DATABASE_URL_SECRET, databaseEnv } from "@data-api/core/db";
import { Config, Api as HttpApi, Function, use, type StackContext } from "sst/constructs";
import { appEnv } from "../packages/functions/src/settings";
import { Alerts } from "./Alerts";
import { ACCESS_LOG_FORMAT } from "./api/access-log";
import { liveAlias, releaseThroughCodeDeploy } from "./api/release";
import { Auth, externalIdentity, type StageIdentity } from "./Auth";
import { useStageConfig, type StageConfig } from "./config";
import { Database } from "./Database";
import { apiAlarms } from "./monitoring/alarms";
import { KEEP } from "./removal";

/**
 * The routes that change records: where writes are signed-in, API Gateway's JWT authorizer turns away a request
 * without a valid token of the stage's issuer before it reaches the function. It does not ask for the data/write
 * scope: the app checks that, so that the 403 is its own JSON. Everything else goes to `$default`, public: the reads,
 * GET /openapi.json and the app's 404 and 405.
 */
const WRITE_ROUTES = ["POST /data", "DELETE /data/{id}"] as const;

/** The API's OpenAPI document (`npm run openapi`), shipped with the function. */
export const OPENAPI_DOCUMENT = "packages/functions/openapi.json";

/** The identity that signs the stage's callers in: its own user pool (Auth stack), or the issuer configured. */
function stageIdentity(identity: StageConfig["identity"]): StageIdentity | undefined {
  if (!identity) return undefined;
  return identity.kind === "cognito" ? use(Auth).identity : externalIdentity(identity);
}

/**
 * The Hono app on Lambda behind an HTTP API; inside the VPC, next to the proxy, where the stage has a database.
 * Where the stage says how to deploy, the API calls the function's `live` alias, which CodeDeploy moves.
 */
export function Api({ stack, app }: StackContext) {
  const config = useStageConfig(app);
  const database = config.database ? use(Database) : undefined;
  const watch = config.monitoring && { app, topic: use(Alerts).topic, thresholds: config.monitoring };
  const identity = stageIdentity(config.identity);
  const signedIn = config.writes === "signed-in" && identity;

  const functionLogs = new logs.LogGroup(stack, "ApiFunctionLogs", { retention: config.logRetention, removalPolicy: config.removal });
  const fn = new Function(stack, "ApiFunction", {
    handler: "packages/functions/src/api.handler",
    // GET /openapi.json reads it from there, beside the handler's folder as in the checkout (packages/functions/src/app.ts).
    copyFiles: [{ from: OPENAPI_DOCUMENT, to: OPENAPI_DOCUMENT }],
    memorySize: config.api.memoryMiB,
    timeout: config.api.timeoutSeconds,
    environment: {
      // Writes and who may make them: the app reads the claims API Gateway verified; no issuer, no keys, no JWT code.
      ...appEnv({ stage: app.stage, version: config.version, logLevel: config.logLevel, writes: config.writes, exposeCreatedBy: config.exposeCreatedBy }),
      // One connection per execution environment: Lambda runs one request at a time, the proxy does the pooling.
      ...databaseEnv({ proxy: database?.connection, poolMax: 1 }),
    },
    logGroup: functionLogs,
    // A version the live alias leaves stays, so that the alias can be moved back to it by hand (docs/runbook.md).
    currentVersionOptions: { removalPolicy: KEEP },
    ...database?.clientPlacement,
  });
  // On the function itself: routes to an alias are not SST's, so neither api.bind nor attachPermissions reach it.
  database?.proxy.grantConnect(fn, database.connection.user);
  // Without a database of its own the stage runs on the developer's, whose URL (and password) stays in SSM.
  if (!database) fn.bind([new Config.Secret(stack, DATABASE_URL_SECRET)]);
  const release = config.deployStrategy && { strategy: config.deployStrategy, alias: liveAlias(fn) };

  const accessLogs = new logs.LogGroup(stack, "AccessLogs", { retention: config.logRetention, removalPolicy: config.removal });
  // Every route calls the same target: the live alias where CodeDeploy releases, else the function itself.
  const target = release ? { cdk: { function: release.alias } } : { function: fn };
  const api = new HttpApi(stack, "Api", {
    authorizers: signedIn ? { jwt: { type: "jwt", jwt: { issuer: identity.issuer, audience: identity.audiences } } } : {},
    routes: {
      $default: target,
      ...(signedIn && Object.fromEntries(WRITE_ROUTES.map((route) => [route, { ...target, authorizer: "jwt" as const }]))),
    },
    defaults: { throttle: config.api.throttle },
    accessLog: { destinationArn: accessLogs.logGroupArn, format: ACCESS_LOG_FORMAT },
    cors: {
      allowOrigins: config.corsOrigins,
      allowMethods: ["GET", "POST", "DELETE"],
      // Idempotency-Key: the page sends one with each add, so that a retry cannot add the record twice.
      allowHeaders: ["content-type", "x-correlation-id", "authorization", "idempotency-key"],
      // Link leads the page to the next page of records; the ids tie a response to its log lines; WWW-Authenticate
      // says why a write was refused.
      exposeHeaders: ["link", "x-request-id", "x-correlation-id", "www-authenticate"],
      maxAge: "1 day",
    },
    customDomain: config.domain && { domainName: config.domain.api, hostedZone: config.domain.zone },
  });

  // Only the routes that are public on purpose: a write route without its authorizer is a finding.
  const publicOnPurpose = signedIn
    ? "The default route serves the public reads (GET /data, /health) and the app's 404 and 405; writes have their own JWT routes."
    : `Writes are public on ${app.stage} (stacks/config.ts), like the Flask app it replaces; stage throttling bounds abuse.`;
  NagSuppressions.addResourceSuppressions(api.node.findChild("Route_default"), [{ id: "AwsSolutions-APIG4", reason: publicOnPurpose }], true);
  const alarms = watch && apiAlarms(stack, watch, { stage: api.cdk.httpApi.defaultStage!, target: release?.alias ?? fn });
  const deployments = release && releaseThroughCodeDeploy(stack, release, alarms ? [alarms.serverErrors, alarms.functionErrors] : []);
  // The names docs/runbook.md asks for when moving the alias or stopping a deployment by hand.
  stack.addOutputs({
    ApiUrl: api.url,
    ApiCustomDomainUrl: api.customDomainUrl,
    ApiFunctionName: fn.functionName,
    // What the smoke test and a client need to know: whether to bring a token, and whose.
    Writes: config.writes,
    ...(identity && { AuthIssuer: identity.issuer, AuthAudience: identity.audiences.join(",") }),
    ...(deployments && {
      CodeDeployApplication: deployments.application.applicationName,
      CodeDeployDeploymentGroup: deployments.deploymentGroupName,
    }),
  });
  return {
    api,
    fn,
    url: api.customDomainUrl ?? api.url,
    alarms,
    identity: signedIn ? identity : undefined,
    logGroups: { function: functionLogs, access: accessLogs },
  };
}
