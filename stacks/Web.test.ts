import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { contentSecurityPolicy, PAGE_HEADERS, REFERENCE_PAGE, referencePolicy } from "../packages/functions/src/host/page-headers";
import { hostedDomainPrefix } from "./Auth";
import { HOSTED_ZONE_ID } from "./synth";
import { synthesized, type Synthesized } from "./testing";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
type Resource = { Type: string; Properties: any; DeletionPolicy?: string };

const signIn = (stage: string) => [
  "https://cognito-idp.eu-west-1.amazonaws.com",
  `https://${hostedDomainPrefix("data-api", stage, "123456789012", "eu-west-1")}.auth.eu-west-1.amazoncognito.com`,
];
const EXPECTED = {
  local: { domain: undefined, api: undefined, signIn: [], retention: 7, logsDeletion: "Delete" },
  staging: { domain: "staging.example.com", api: "https://api.staging.example.com", signIn: signIn("staging"), retention: 14, logsDeletion: "Delete" },
  prod: { domain: "example.com", api: "https://api.example.com", signIn: signIn("prod"), retention: 90, logsDeletion: "RetainExceptOnCreate" },
} as const;

const stages: Record<string, Synthesized> = {};
beforeAll(async () => {
  for (const stage of Object.keys(EXPECTED)) stages[stage] = await synthesized(stage);
});
const web = (stage: string) => stages[stage]!.template("Web");

function bucket(stage: string, prefix: string): [string, Resource] {
  const entry = Object.entries(web(stage).findResources("AWS::S3::Bucket")).find(([id]) => id.startsWith(prefix));
  expect(entry).toBeDefined();
  return entry as [string, Resource];
}

function distribution(stage: string): Resource {
  const [resource] = Object.values(web(stage).findResources("AWS::CloudFront::Distribution")) as Resource[];
  return resource!;
}

/** The template string of an output whose value joins strings and references. */
function outputText(stage: string, name: string): string {
  const value = web(stage).findOutputs(name)[name]!.Value;
  if (typeof value === "string") return value;
  return value["Fn::Join"][1].map((part: unknown) => (typeof part === "string" ? part : JSON.stringify(part))).join("");
}

describe.each(Object.entries(EXPECTED))("the %s web page", (stage, expected) => {
  it("is served from a private, encrypted, TLS-only bucket whose access is logged", () => {
    const [logsId, logs] = bucket(stage, "AccessLogs");
    const [filesId, files] = bucket(stage, "Files");
    for (const resource of [logs, files]) {
      expect(resource.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe("AES256");
      expect(resource.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    for (const id of [logsId, filesId]) {
      web(stage).hasResourceProperties("AWS::S3::BucketPolicy", {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]),
        },
      });
    }
    expect(files.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logsId }, LogFilePrefix: "site/" });
  });

  it("keeps the access logs for the stage's log retention, and keeps the bucket on removal only where the stage says so", () => {
    const [, logs] = bucket(stage, "AccessLogs");
    expect(logs.Properties.LifecycleConfiguration.Rules).toEqual([{ ExpirationInDays: expected.retention, Status: "Enabled" }]);
    expect(logs.DeletionPolicy).toBe(expected.logsDeletion);
  });

  it("goes through CloudFront, which logs, redirects to HTTPS and reads the bucket with origin access control", () => {
    const [logsId] = bucket(stage, "AccessLogs");
    const config = distribution(stage).Properties.DistributionConfig;
    expect(config.Logging).toEqual({ Bucket: { "Fn::GetAtt": [logsId, "RegionalDomainName"] }, Prefix: "cdn/" });
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe("redirect-to-https");
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].OriginAccessControlId).toBeDefined();
    expect(config.Origins[0].S3OriginConfig.OriginAccessIdentity).toBe("");
    web(stage).hasResourceProperties("AWS::CloudFront::OriginAccessControl", {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: "s3", SigningBehavior: "always" }),
    });
  });

  it("is answered with the security headers npm start sends, HSTS, and in connect-src the API's origin and the sign-in's", () => {
    const { Ref: policyId } = distribution(stage).Properties.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId;
    const policy = web(stage).findResources("AWS::CloudFront::ResponseHeadersPolicy")[policyId] as Resource;
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers).toMatchObject({
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: PAGE_HEADERS["X-Frame-Options"], Override: true },
      ReferrerPolicy: { ReferrerPolicy: PAGE_HEADERS["Referrer-Policy"], Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true },
    });
    const csp = headers.ContentSecurityPolicy.ContentSecurityPolicy;
    if (expected.api) expect(csp).toBe(contentSecurityPolicy([expected.api, ...expected.signIn]));
    else expect(JSON.stringify(csp)).toContain("connect-src 'self' \",{\"Fn::ImportValue\"");
    // Signing in leaves the page and comes back by navigation, which neither connect-src nor form-action governs.
    expect(JSON.stringify(csp)).toContain("form-action 'self'");
  });

  it("answers the API reference page alone with inline styles allowed, its other headers the page's", () => {
    const config = distribution(stage).Properties.DistributionConfig;
    expect(config.CacheBehaviors.map((behavior: { PathPattern: string }) => behavior.PathPattern)).toEqual([REFERENCE_PAGE]);
    const [reference] = config.CacheBehaviors;
    expect(reference.TargetOriginId).toBe(config.DefaultCacheBehavior.TargetOriginId);
    expect(reference.ViewerProtocolPolicy).toBe("redirect-to-https");
    const policies = web(stage).findResources("AWS::CloudFront::ResponseHeadersPolicy");
    const headers = (policies[reference.ResponseHeadersPolicyId.Ref] as Resource).Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const page = (policies[config.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref] as Resource).Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect({ ...headers, ContentSecurityPolicy: undefined }).toEqual({ ...page, ContentSecurityPolicy: undefined });
    const csp = headers.ContentSecurityPolicy.ContentSecurityPolicy;
    if (expected.api) expect(csp).toBe(referencePolicy([expected.api]));
    expect(JSON.stringify(csp)).toContain("style-src 'self' 'unsafe-inline'");
    expect(JSON.stringify(page.ContentSecurityPolicy)).not.toContain("unsafe-inline");
  });

  it("is built with the API's URL, and where writes are signed-in with the issuer, the page's client and the scopes", () => {
    const apiUrl = expected.api ?? '{"Fn::ImportValue":"local-data-api-Api:ExportsOutputFnGetAttApiCD79AAA0ApiEndpoint389C4905"}';
    if (!expected.api) {
      expect(outputText(stage, "SSTMetadata")).toContain(`"environment":{"VITE_API_URL":"${apiUrl}"}`);
      return;
    }
    const auth = (name: string) => `{"Fn::ImportValue":"${stage}-data-api-Auth:ExportsOutputRef${name}`;
    expect(outputText(stage, "SSTMetadata")).toContain(
      `"environment":{"VITE_API_URL":"${apiUrl}",` +
        `"VITE_AUTH_ISSUER":"https://cognito-idp.eu-west-1.amazonaws.com/${auth("Users0A0EEA89")}`,
    );
    expect(outputText(stage, "SSTMetadata")).toContain(`"VITE_AUTH_CLIENT_ID":"${auth("UsersPageClient")}`);
    expect(outputText(stage, "SSTMetadata")).toContain('"VITE_AUTH_SCOPE":"openid data/write"}');
  });

  it("outputs its URL", () => {
    expect(outputText(stage, "WebUrl")).toBe(
      expected.domain ? `https://${expected.domain}` : 'https://{"Fn::GetAtt":["SiteDistribution390DED28","DomainName"]}',
    );
  });
});

describe.each(["staging", "prod"] as const)("the %s web page", (stage) => {
  const domain = EXPECTED[stage].domain;

  it(`answers on ${domain} over TLS 1.2+ with a certificate validated in the hosted zone`, () => {
    const config = distribution(stage).Properties.DistributionConfig;
    expect(config.Aliases).toEqual([domain]);
    expect(config.ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: "TLSv1.2_2021",
      SslSupportMethod: "sni-only",
      AcmCertificateArn: { "Fn::GetAtt": [expect.stringMatching(/^SiteCertificateCertificateRequestorResource/), "Arn"] },
    });
    web(stage).hasResourceProperties("AWS::CloudFormation::CustomResource", {
      DomainName: domain,
      HostedZoneId: HOSTED_ZONE_ID,
      Region: "us-east-1",
    });
    for (const type of ["A", "AAAA"]) {
      web(stage).hasResourceProperties("AWS::Route53::RecordSet", { Name: `${domain}.`, Type: type, HostedZoneId: HOSTED_ZONE_ID });
    }
  });
});

describe("the local web page", () => {
  it("lives on CloudFront's own domain", () => {
    expect(distribution("local").Properties.DistributionConfig.Aliases).toEqual([]);
    web("local").resourceCountIs("AWS::Route53::RecordSet", 0);
  });
});
