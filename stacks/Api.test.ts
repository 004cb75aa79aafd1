import rootPackage from "../package.json";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Match } from "aws-cdk-lib/assertions";
import postgres from "postgres";
import { httpApiEvent } from "../packages/functions/test/support/events";
import { beforeAll, describe, expect, it } from "vitest";
import { OPENAPI_DOCUMENT } from "./Api";
import { HOSTED_ZONE_ID, SYNTH_ENV, synthesizeStage, type SynthesizedStage } from "./synth";
import { synthesized, type Synthesized } from "./testing";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
type Resource = { Type: string; Properties: any };

const EXPECTED = {
  local: { domain: undefined, origin: "*", throttle: [20, 40], retention: 7, logLevel: "debug" },
  staging: { domain: "api.staging.example.com", origin: "https://staging.example.com", throttle: [50, 100], retention: 14, logLevel: "info" },
  prod: { domain: "api.example.com", origin: "https://example.com", throttle: [200, 400], retention: 90, logLevel: "info" },
} as const;

const stages: Record<string, Synthesized> = {};
beforeAll(async () => {
  for (const stage of Object.keys(EXPECTED)) stages[stage] = await synthesized(stage);
});
const api = (stage: string) => stages[stage]!.template("Api");

function apiFunction(stage: string): Resource {
  const functions = Object.values(
    api(stage).findResources("AWS::Lambda::Function", { Properties: { Handler: "packages/functions/src/api.handler" } }),
  ) as Resource[];
  expect(functions).toHaveLength(1);
  return functions[0]!;
}

describe.each(Object.entries(EXPECTED))("the %s API", (stage, expected) => {
  it("runs the Hono handler on nodejs22.x, arm64, with the stage's memory and timeout, untraced", () => {
    expect(apiFunction(stage).Properties).toMatchObject({
      Runtime: "nodejs22.x",
      Architectures: ["arm64"],
      MemorySize: 1024,
      Timeout: 10,
    });
    expect(apiFunction(stage).Properties.TracingConfig).toBeUndefined();
  });

  it(`logs to a log group of the stack, kept ${expected.retention} days, not to one Lambda would create`, () => {
    const logGroupId = apiFunction(stage).Properties.LoggingConfig.LogGroup.Ref;
    const logGroup = api(stage).toJSON().Resources[logGroupId];
    expect(logGroup.Type).toBe("AWS::Logs::LogGroup");
    expect(logGroup.Properties.RetentionInDays).toBe(expected.retention);
    // Not CDK's logRetention either, whose custom resource sets the retention of a group the runtime created.
    api(stage).resourceCountIs("Custom::LogRetention", 0);
  });

  it("ships a minified ES module with its source map, which Node is not made to read at every start", () => {
    const bundle = join(stages[stage]!.bundles["Api/ApiFunction"]!, "packages/functions/src");
    const code = readFileSync(join(bundle, "api.mjs"), "utf8");
    expect(code).toMatch(/^import /m);
    expect(code).not.toMatch(/module\.exports/);
    // Minified code runs to thousands of characters a line; esbuild's readable output averages under a hundred.
    expect(code.length / code.split("\n").length).toBeGreaterThan(1000);
    expect(existsSync(join(bundle, "api.mjs.map"))).toBe(true);
    expect(apiFunction(stage).Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
  });

  it("leaves the sources' text out of the source map, which is read whole when the first error is logged", () => {
    const bundle = join(stages[stage]!.bundles["Api/ApiFunction"]!, "packages/functions/src");
    const map = JSON.parse(readFileSync(join(bundle, "api.mjs.map"), "utf8")) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.some((source) => source.endsWith("packages/functions/src/api.ts"))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  it(`tells the function its stage and release, logs at ${expected.logLevel} level and keeps one connection per execution environment`, () => {
    expect(apiFunction(stage).Properties.Environment.Variables).toMatchObject({
      STAGE: stage,
      APP_VERSION: rootPackage.version,
      LOG_LEVEL: expected.logLevel,
      DATABASE_POOL_MAX: "1",
    });
  });

  it("throttles the stage", () => {
    const [rate, burst] = expected.throttle;
    api(stage).hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst }),
    });
  });

  it("writes one JSON access log line per request with its id, status, latency and integration error", () => {
    const [stageResource] = Object.values(api(stage).findResources("AWS::ApiGatewayV2::Stage")) as Resource[];
    const settings = stageResource!.Properties.AccessLogSettings;
    // Status and latency are written as numbers (the latency objective's metric filter compares one): a JSON
    // line once API Gateway has put its digits in place.
    expect(settings.Format).toContain('"status":$context.status,');
    expect(settings.Format).toContain('"latencyMs":$context.responseLatency,');
    const line = JSON.parse(settings.Format.replace("$context.status", "200").replace("$context.responseLatency", "42"));
    expect(line).toMatchObject({
      requestId: "$context.requestId",
      status: 200,
      latencyMs: 42,
      integrationError: "$context.integrationErrorMessage",
    });
    expect(settings.DestinationArn).toEqual({ "Fn::GetAtt": [expect.stringMatching(/^AccessLogs/), "Arn"] });
  });

  it("allows the web origin (any, where the page has no domain of its own), the methods the page uses, and the paging Link", () => {
    api(stage).hasResourceProperties("AWS::ApiGatewayV2::Api", {
      ProtocolType: "HTTP",
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [expected.origin],
        AllowMethods: ["GET", "POST", "DELETE"],
        ExposeHeaders: Match.arrayWith(["link"]),
      }),
    });
  });

  it("sends every route to a Lambda proxy integration of the function (release.test.ts: the function, or its live alias)", () => {
    const integrations = Object.values(api(stage).findResources("AWS::ApiGatewayV2::Integration")) as Resource[];
    expect(integrations).toHaveLength(Object.keys(api(stage).findResources("AWS::ApiGatewayV2::Route")).length);
    for (const integration of integrations) expect(integration.Properties).toMatchObject({ IntegrationType: "AWS_PROXY", PayloadFormatVersion: "2.0" });
    api(stage).hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "$default", AuthorizationType: "NONE" });
  });

  it("lets the page send an Idempotency-Key with a write", () => {
    api(stage).hasResourceProperties("AWS::ApiGatewayV2::Api", {
      CorsConfiguration: Match.objectLike({ AllowHeaders: Match.arrayWith(["idempotency-key"]) }),
    });
  });

  it("lets the page send a bearer token and read why a write was refused", () => {
    api(stage).hasResourceProperties("AWS::ApiGatewayV2::Api", {
      CorsConfiguration: Match.objectLike({
        AllowHeaders: Match.arrayWith(["authorization"]),
        ExposeHeaders: Match.arrayWith(["www-authenticate"]),
      }),
    });
  });

  it("outputs the API URL, and the custom domain URL where there is one", () => {
    const outputs = api(stage).findOutputs("*");
    expect(outputs.ApiUrl).toBeDefined();
    expect(outputs.ApiCustomDomainUrl?.Value).toBe(expected.domain && `https://${expected.domain}`);
  });
});

describe.each(["staging", "prod"] as const)("the %s API", (stage) => {
  const domain = EXPECTED[stage].domain;

  it(`answers on ${domain} with a DNS-validated ACM certificate and alias records in the hosted zone`, () => {
    const [certificateId] = Object.keys(
      api(stage).findResources("AWS::CertificateManager::Certificate", {
        Properties: {
          DomainName: domain,
          ValidationMethod: "DNS",
          DomainValidationOptions: [{ DomainName: domain, HostedZoneId: HOSTED_ZONE_ID }],
        },
      }),
    );
    expect(certificateId).toBeDefined();
    api(stage).hasResourceProperties("AWS::ApiGatewayV2::DomainName", {
      DomainName: domain,
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: { Ref: certificateId } })],
    });
    api(stage).hasResourceProperties("AWS::ApiGatewayV2::ApiMapping", { Stage: "$default" });
    for (const type of ["A", "AAAA"]) {
      api(stage).hasResourceProperties("AWS::Route53::RecordSet", { Name: `${domain}.`, Type: type, HostedZoneId: HOSTED_ZONE_ID });
    }
  });

  it("puts the function in the isolated subnets, in the security group the proxy admits", () => {
    expect(apiFunction(stage).Properties.VpcConfig).toEqual({
      SubnetIds: [
        { "Fn::ImportValue": expect.stringMatching(/Network:ExportsOutputRefVpcisolatedSubnet1/) },
        { "Fn::ImportValue": expect.stringMatching(/Network:ExportsOutputRefVpcisolatedSubnet2/) },
      ],
      SecurityGroupIds: [{ "Fn::ImportValue": expect.stringMatching(/Database:ExportsOutputFnGetAttClientSecurityGroup/) }],
    });
  });

  it("connects to the proxy as the application role with an IAM token, and holds no secret", () => {
    const variables = apiFunction(stage).Properties.Environment.Variables;
    expect(variables).toMatchObject({
      DB_HOST: { "Fn::ImportValue": expect.stringMatching(/Database:ExportsOutputFnGetAttProxy.*Endpoint/) },
      DB_PORT: "5432",
      DB_NAME: "data_api",
      DB_USER: "data_api",
      DB_IAM_AUTH: "true",
    });
    expect(variables.DATABASE_URL).toBeUndefined();
    expect(JSON.stringify(variables)).not.toMatch(/resolve:secretsmanager|PASSWORD|SECRET/i);
  });

  it("may rds-db:connect as the application role and do nothing else", () => {
    const policies = Object.values(api(stage).findResources("AWS::IAM::Policy", { Properties: { PolicyName: Match.stringLikeRegexp("^ApiFunction") } })) as Resource[];
    expect(policies).toHaveLength(1);
    const [statement, ...others] = policies[0]!.Properties.PolicyDocument.Statement;
    expect(others).toEqual([]);
    expect(statement.Action).toBe("rds-db:connect");
    expect(JSON.stringify(statement.Resource)).toMatch(/dbuser:.*\/data_api"\]\]\}$/);
  });
});

/** The routes of an Api template by route key, with the authorizer each carries. */
function routesOf(template: Record<string, Resource>) {
  const resources = Object.entries(template) as [string, Resource][];
  const authorizers = Object.fromEntries(resources.filter(([, r]) => r.Type === "AWS::ApiGatewayV2::Authorizer"));
  return Object.fromEntries(
    resources
      .filter(([, r]) => r.Type === "AWS::ApiGatewayV2::Route")
      .map(([, route]) => [route.Properties.RouteKey, { type: route.Properties.AuthorizationType, authorizer: authorizers[route.Properties.AuthorizerId?.Ref]?.Properties }]),
  );
}
const resourcesOf = (stage: Synthesized | SynthesizedStage, id = "Api") => stage.stacks.find((stack) => stack.id === id)!.template.Resources as Record<string, Resource>;
const authStackExport = (name: string) => ({ "Fn::ImportValue": expect.stringMatching(new RegExp(`^(staging|prod)-data-api-Auth:ExportsOutputRef${name}`)) });

describe.each(["staging", "prod"] as const)("the %s API's writes", (stage) => {
  it("pass API Gateway's JWT authorizer on POST /data and DELETE /data/{id}; reads, /health and the rest stay public", () => {
    const routes = routesOf(resourcesOf(stages[stage]!));
    expect(Object.keys(routes).sort()).toEqual(["$default", "DELETE /data/{id}", "POST /data"]);
    expect(routes.$default).toEqual({ type: "NONE", authorizer: undefined });
    for (const key of ["POST /data", "DELETE /data/{id}"]) {
      expect(routes[key]!.type, key).toBe("JWT");
      expect(routes[key]!.authorizer, key).toEqual(routes["POST /data"]!.authorizer);
    }
    // GET /data, /health and /openapi.json have no route of their own: $default, without authorizer, serves them (and 404/405).
    expect(Object.keys(routes).filter((key) => /^GET |health/.test(key))).toEqual([]);
  });

  it("trust the tokens of the stage's user pool, for its page and machine clients, without asking API Gateway for the scope", () => {
    const { authorizer } = routesOf(resourcesOf(stages[stage]!))["POST /data"]!;
    expect(authorizer).toEqual({
      ApiId: expect.anything(),
      AuthorizerType: "JWT",
      Name: "jwt",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: {
        Issuer: { "Fn::Join": ["", ["https://cognito-idp.eu-west-1.amazonaws.com/", authStackExport("Users")]] },
        Audience: [authStackExport("UsersPageClient"), authStackExport("UsersMachineClient")],
      },
    });
    for (const route of Object.values(resourcesOf(stages[stage]!)).filter((r) => r.Type === "AWS::ApiGatewayV2::Route")) {
      expect(route.Properties.AuthorizationScopes).toBeUndefined();
    }
  });

  it("are the app's to refuse without the scope: the function knows writes are signed-in, but holds no issuer or key", () => {
    const variables = apiFunction(stage).Properties.Environment.Variables;
    expect(variables).toMatchObject({ WRITES: "signed-in", EXPOSE_CREATED_BY: "false" });
    expect(JSON.stringify(variables)).not.toMatch(/AUTH_|cognito|JWT/i);
  });

  it("are described by outputs: who may write, the issuer and its audiences", () => {
    const outputs = api(stage).findOutputs("*");
    expect(outputs.Writes!.Value).toBe("signed-in");
    expect(outputs.AuthIssuer!.Value).toEqual({ "Fn::Join": ["", ["https://cognito-idp.eu-west-1.amazonaws.com/", authStackExport("Users")]] });
    expect(outputs.AuthAudience!.Value).toEqual({ "Fn::Join": ["", [authStackExport("UsersPageClient"), ",", authStackExport("UsersMachineClient")]] });
  });
});

describe("a stage with an external OpenID Connect issuer (DATA_API_JWT_ISSUER, DATA_API_JWT_AUDIENCE)", () => {
  let external: SynthesizedStage;
  beforeAll(async () => {
    external = await synthesizeStage("staging", {
      ...SYNTH_ENV,
      DATA_API_JWT_ISSUER: "https://acme.eu.auth0.com/",
      DATA_API_JWT_AUDIENCE: "https://api.staging.example.com,ci",
    });
  });

  it("creates no user pool, and points the authorizer of the write routes at that issuer", () => {
    expect(external.stacks.map((stack) => stack.id)).not.toContain("Auth");
    expect(JSON.stringify(external.stacks.map((stack) => stack.template))).not.toContain("AWS::Cognito::");
    const routes = routesOf(resourcesOf(external));
    expect(routes.$default).toEqual({ type: "NONE", authorizer: undefined });
    for (const key of ["POST /data", "DELETE /data/{id}"]) {
      expect(routes[key]).toEqual({
        type: "JWT",
        authorizer: expect.objectContaining({
          AuthorizerType: "JWT",
          JwtConfiguration: { Issuer: "https://acme.eu.auth0.com/", Audience: ["https://api.staging.example.com", "ci"] },
        }),
      });
    }
    expect(external.findings).toEqual([]);
  });
});

describe("prod with DATA_API_PUBLIC_WRITES=true", () => {
  let open: SynthesizedStage;
  beforeAll(async () => {
    open = await synthesizeStage("prod", { ...SYNTH_ENV, DATA_API_PUBLIC_WRITES: "true" });
  });

  it("has no authorizer and tells the function writes are public, but keeps its users' pool", () => {
    const routes = routesOf(resourcesOf(open));
    expect(routes).toEqual({ $default: { type: "NONE", authorizer: undefined } });
    const fn = Object.values(resourcesOf(open)).find((r) => r.Properties?.Handler === "packages/functions/src/api.handler")!;
    expect(fn.Properties.Environment.Variables.WRITES).toBe("public");
    expect(open.stacks.map((stack) => stack.id)).toContain("Auth");
    expect(open.findings).toEqual([]);
  });

  it("warns the person deploying, loudly", () => {
    expect(open.warnings).toEqual([expect.stringMatching(/^WRITES ARE PUBLIC ON PROD: DATA_API_PUBLIC_WRITES=true lets anyone on the internet add and delete records/)]);
  });
});

describe("the local API", () => {
  it("has one public route and no authorizer: writes are public, as the function is told", () => {
    expect(routesOf(resourcesOf(stages.local!))).toEqual({ $default: { type: "NONE", authorizer: undefined } });
    api("local").resourceCountIs("AWS::ApiGatewayV2::Authorizer", 0);
    expect(apiFunction("local").Properties.Environment.Variables).toMatchObject({ WRITES: "public", EXPOSE_CREATED_BY: "false" });
    expect(api("local").findOutputs("*").Writes!.Value).toBe("public");
    expect(api("local").findOutputs("*").AuthIssuer).toBeUndefined();
    expect(stages.local!.warnings).toEqual([]);
  });

  it("has no custom domain, no VPC and no database endpoint", () => {
    for (const type of ["AWS::ApiGatewayV2::DomainName", "AWS::CertificateManager::Certificate", "AWS::Route53::RecordSet"]) {
      api("local").resourceCountIs(type, 0);
    }
    expect(apiFunction("local").Properties.VpcConfig).toBeUndefined();
    expect(apiFunction("local").Properties.Environment.Variables.DB_HOST).toBeUndefined();
  });

  describe("synthesized from a shell that holds a DATABASE_URL", () => {
    let local: SynthesizedStage;
    // A stage of its own, synthesized like the others before the tests: it takes longer than one test may.
    beforeAll(async () => {
      local = await synthesizeStage("local", { ...SYNTH_ENV, DATABASE_URL: "postgres://me:s3cret@db.example.com:5432/mine" });
    });

    it("reads the developer's database URL from SST's DATABASE_URL secret, which neither template nor function holds", () => {
      // Whatever the shell of the developer who deploys holds, it never reaches the stage.
      expect(JSON.stringify(local.stacks.map((stack) => stack.template))).not.toContain("s3cret");
      const template = local.stacks.find((stack) => stack.id === "Api")!.template;
      const fn = Object.values<Resource>(template.Resources).find((resource) => resource.Properties?.Handler === "packages/functions/src/api.handler")!;
      expect(fn.Properties.Environment.Variables).toMatchObject({
        SST_Secret_value_DATABASE_URL: "__FETCH_FROM_SSM__",
        SST_SSM_PREFIX: "/sst/data-api/local/",
        SST_APP: "data-api",
        SST_STAGE: "local",
      });
      expect(fn.Properties.Environment.Variables.DATABASE_URL).toBeUndefined();
      const policy = Object.values<Resource>(template.Resources).find(
        (resource) => resource.Type === "AWS::IAM::Policy" && /^ApiFunction/.test(resource.Properties.PolicyName),
      )!;
      const parameters = policy.Properties.PolicyDocument.Statement.filter((statement: { Action: string }) => statement.Action === "ssm:GetParameters");
      expect(JSON.stringify(parameters)).toContain("parameter/sst/data-api/local/Secret/DATABASE_URL/value");
      expect(JSON.stringify(parameters)).toContain("parameter/sst/data-api/.fallback/Secret/DATABASE_URL/value");
    });
  });
});

describe("the API's bundle, as the stack ships it", () => {
  it("serves GET /openapi.json from the document copied beside it (copyFiles), the committed bytes", async () => {
    const local = await synthesized("local");
    const bundle = local.bundles["Api/ApiFunction"]!;
    const committed = readFileSync(join(process.cwd(), OPENAPI_DOCUMENT), "utf8");
    expect(readFileSync(join(bundle, OPENAPI_DOCUMENT), "utf8")).toBe(committed);
    // The bundled handler finds it where the app looks, in a process of its own with no checkout beside it.
    const entry = join(bundle, "packages/functions/src/api.mjs");
    const event = JSON.stringify(httpApiEvent({ method: "GET", path: "/openapi.json" }));
    const script = `const { handler } = await import(${JSON.stringify(entry)}); const r = await handler(${event}, { getRemainingTimeInMillis: () => 10000 }); process.stdout.write(JSON.stringify(r));`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: bundle,
      env: { PATH: process.env.PATH, AWS_REGION: "eu-west-1", AWS_LAMBDA_FUNCTION_NAME: "api", STAGE: "local", LOG_LEVEL: "silent", DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" },
      encoding: "utf8",
    });
    const result = JSON.parse(run.stdout) as { statusCode: number; body: string; headers: Record<string, string> };
    expect(result.statusCode, run.stderr).toBe(200);
    expect(result.body).toBe(committed);
    expect(result.headers["cache-control"]).toMatch(/^public/);
  });

  it("logs an error with a stack that points at the TypeScript, with no --enable-source-maps", async () => {
    const local = await synthesized("local");
    const entry = join(local.bundles["Api/ApiFunction"]!, "packages/functions/src/api.mjs");
    // A database without the table: the query fails, the API answers 500 and logs the error with its stack.
    const admin = postgres(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres", { max: 1, onnotice: () => {} });
    const name = `data_api_untabled_${process.pid}`;
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.unsafe(`create database ${name}`);
    try {
      const url = new URL(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
      url.pathname = `/${name}`;
      const event = JSON.stringify(httpApiEvent({ method: "GET", path: "/data" }));
      const script = `const { handler } = await import(${JSON.stringify(entry)}); const r = await handler(${event}, { getRemainingTimeInMillis: () => 10000 }); console.error("status " + r.statusCode); process.exit(0);`;
      const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
        env: { PATH: process.env.PATH, AWS_REGION: "eu-west-1", AWS_LAMBDA_FUNCTION_NAME: "api", STAGE: "local", LOG_LEVEL: "info", DATABASE_URL: url.toString() },
        encoding: "utf8",
      });
      expect(run.stderr, run.stdout).toContain("status 500");
      // Powertools writes error lines to stderr.
      const line = `${run.stdout}\n${run.stderr}`.split("\n").map((text) => { try { return JSON.parse(text); } catch { return undefined; } }).find((log) => log?.level === "ERROR");
      expect(line.error.stack).toMatch(/at async Object\.list \(\S*packages\/core\/src\/data\/data\.ts:\d+:\d+\)/);
      expect(line.error.location).toMatch(/\.ts:\d+$/);
      expect(line.error.stack).not.toMatch(/api\.mjs:\d+:\d+/);
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
