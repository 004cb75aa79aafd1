/**
 * List prices the README's cost table is computed with: on-demand, USD, one region, as read from the AWS pricing
 * pages below on `AS_OF`. A stage elsewhere costs somewhat more or less; AWS changes these without notice, so
 * check the pages before budgeting and update this file (the table follows: `npm run cost -- --write`).
 */
export const PRICED_REGION = "eu-west-1";
export const AS_OF = "2026-12-02";

export const SOURCES = {
  rds: "https://aws.amazon.com/rds/postgresql/pricing/",
  rdsProxy: "https://aws.amazon.com/rds/proxy/pricing/",
  privateLink: "https://aws.amazon.com/privatelink/pricing/",
  secretsManager: "https://aws.amazon.com/secrets-manager/pricing/",
  kms: "https://aws.amazon.com/kms/pricing/",
  lambda: "https://aws.amazon.com/lambda/pricing/",
  apiGateway: "https://aws.amazon.com/api-gateway/pricing/",
  cloudFront: "https://aws.amazon.com/cloudfront/pricing/",
  cloudWatch: "https://aws.amazon.com/cloudwatch/pricing/",
  cognito: "https://aws.amazon.com/cognito/pricing/",
} as const;

/** Billing months are taken as 730 hours, as the AWS Pricing Calculator does. */
export const HOURS_PER_MONTH = 730;

export const PRICES = {
  /** RDS for PostgreSQL, per instance-hour; Multi-AZ (one standby) bills both instances. Only the classes our stages use: add the one a stage moves to. */
  rdsInstanceHour: {
    "db.t4g.micro": { singleAz: 0.017, multiAz: 0.034, vCpus: 2 },
    "db.t4g.small": { singleAz: 0.035, multiAz: 0.069, vCpus: 2 },
  } as Record<string, { singleAz: number; multiAz: number; vCpus: number }>,
  /** gp3 storage per GB-month; Multi-AZ stores it twice. Backups up to the database's size are free. */
  rdsGp3GbMonth: 0.127,
  /** RDS Proxy per vCPU-hour of the instance behind it, billed for at least 2 vCPUs. */
  rdsProxyVcpuHour: 0.0165,
  rdsProxyMinVcpus: 2,
  /** An interface VPC endpoint, per hour in each Availability Zone it has a network interface in. */
  interfaceEndpointAzHour: 0.011,
  secretMonth: 0.4,
  /** A customer managed KMS key; its requests from AWS services are within the free 20,000 a month here. */
  kmsKeyMonth: 1,
  /** Lambda on arm64, per GB-second and per million requests. */
  lambdaArmGbSecond: 0.0000133334,
  lambdaMillionRequests: 0.2,
  /** HTTP API, per million requests (the first 300 million a month). */
  httpApiMillionRequests: 1.11,
  /** CloudWatch: a standard-resolution alarm bills each metric it reads; a composite alarm is billed on its own. */
  alarmMetricMonth: 0.1,
  compositeAlarmMonth: 0.5,
  /** A dashboard beyond the account's three free ones. */
  dashboardMonth: 3,
  logsIngestGb: 0.57,
  logsStoredGbMonth: 0.03,
  /** A CloudWatch Synthetics canary run. */
  canaryRun: 0.0012,
  /** Cognito: the Plus plan (threat protection) bills every monthly active user, with no free tier. */
  cognitoPlusMau: 0.02,
  /** A machine-to-machine app client (client credentials) that is active in the month, and its token requests. */
  cognitoM2mClientMonth: 6,
  cognitoM2mThousandTokens: 2.25,
} as const;
