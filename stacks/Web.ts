import { relative, resolve } from "node:path";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import { S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import * as s3 from "aws-cdk-lib/aws-s3";
import { NagSuppressions } from "cdk-nag";
import { StaticSite, use, type StackContext } from "sst/constructs";
import { contentSecurityPolicy, HSTS_MAX_AGE_SECONDS, PAGE_HEADERS, REFERENCE_PAGE, referencePolicy } from "../packages/functions/src/host/page-headers";
import { pageEnv } from "../packages/web/src/config";
import { Api } from "./Api";
import { useStageConfig } from "./config";

const PRIVATE_BUCKET = {
  encryption: s3.BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
} satisfies s3.BucketProps;

/** The Vite package that StaticSite builds on every deploy, with the API's URL in its environment. */
const PAGE = { path: "packages/web", buildCommand: "npm run build", buildOutput: "dist" };

/**
 * The page's security headers as `npm start` sends them (page-headers.ts), with HSTS, and the origins its scripts
 * call in connect-src: the API's, and where it signs in those of the issuer (discovery) and its token endpoint.
 * Going to the hosted sign-in and back is a navigation, which connect-src and form-action do not govern.
 */
function pageHeaders(stack: StackContext["stack"], id: string, comment: string, policy: string) {
  const override = true;
  return new cloudfront.ResponseHeadersPolicy(stack, id, {
    comment,
    securityHeadersBehavior: {
      contentSecurityPolicy: { contentSecurityPolicy: policy, override },
      contentTypeOptions: { override },
      frameOptions: { frameOption: PAGE_HEADERS["X-Frame-Options"] as cloudfront.HeadersFrameOption, override },
      referrerPolicy: { referrerPolicy: PAGE_HEADERS["Referrer-Policy"] as cloudfront.HeadersReferrerPolicy, override },
      strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS), includeSubdomains: true, override },
    },
  });
}

/** The Vite page on S3 + CloudFront, built with the API's URL and, where writes are signed-in, how to sign in. */
export function Web({ stack, app }: StackContext) {
  const config = useStageConfig(app);
  const api = use(Api);
  // Where writes are public the page is built without sign-in, as before: an issuer would only add a button.
  const signIn = api.identity?.page && { identity: api.identity, client: api.identity.page };
  // Server access logs of the site bucket and CloudFront's standard logs (which CloudFront writes with ACLs).
  const logs = new s3.Bucket(stack, "AccessLogs", {
    ...PRIVATE_BUCKET,
    objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
    lifecycleRules: [{ expiration: Duration.days(config.logRetention) }],
    removalPolicy: config.removal,
    autoDeleteObjects: config.removal === RemovalPolicy.DESTROY,
  });
  // Built from the repository on every deploy, so nothing in it is worth keeping.
  const files = new s3.Bucket(stack, "Files", {
    ...PRIVATE_BUCKET,
    serverAccessLogsBucket: logs,
    serverAccessLogsPrefix: "site/",
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
  });
  const origin = S3BucketOrigin.withOriginAccessControl(files);
  const connectOrigins = [api.url, ...(signIn?.identity.connectOrigins ?? [])];
  const site = new StaticSite(stack, "Site", {
    ...PAGE,
    environment: pageEnv({
      apiUrl: api.url,
      auth: signIn ? { issuer: signIn.identity.issuer, clientId: signIn.client.clientId, scope: signIn.client.scope } : undefined,
    }),
    // SST writes Vite typings for `environment`; keep them out of the web package's sources.
    vite: { types: relative(resolve(PAGE.path), resolve(".sst/types/web-env.d.ts")) },
    customDomain: config.domain && { domainName: config.domain.web, hostedZone: config.domain.zone },
    cdk: {
      bucket: files,
      distribution: {
        enableLogging: true,
        logBucket: logs,
        logFilePrefix: "cdn/",
        defaultBehavior: {
          // Origin access control: CloudFront signs its requests and the bucket policy admits only this distribution.
          origin,
          responseHeadersPolicy: pageHeaders(stack, "PageHeaders", "The web page's security headers", contentSecurityPolicy(connectOrigins)),
        },
        // The API reference, whose Scalar bundle needs inline styles; it calls only the API, for its document. Only
        // its exact path: the main page links it so (SST's function would rewrite /reference after this choice).
        additionalBehaviors: {
          [REFERENCE_PAGE]: {
            origin,
            viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            responseHeadersPolicy: pageHeaders(stack, "ReferenceHeaders", "The API reference page's security headers", referencePolicy([api.url])),
          },
        },
      },
    },
  });
  NagSuppressions.addResourceSuppressions(
    site,
    [
      { id: "AwsSolutions-CFR1", reason: "The page is public for every country, like the API it calls." },
      { id: "AwsSolutions-CFR2", reason: "The distribution serves static files only; the API it calls is throttled at API Gateway." },
      ...(config.domain
        ? []
        : [{ id: "AwsSolutions-CFR4", reason: "Without a custom domain CloudFront's default certificate is used, whose TLS policy cannot be chosen." }]),
    ],
    true,
  );
  stack.addOutputs({ WebUrl: site.customDomainUrl ?? site.url });
  return { site };
}
