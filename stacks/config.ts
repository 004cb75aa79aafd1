import { RemovalPolicy } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
// The root resolves "zod" to SST's zod 3; its v4 entry point has the current API.
import { z } from "zod/v4";
import { appContext } from "./app-context";
import rootPackage from "../package.json";
import { KEEP } from "./removal";

/** The stages with settings of their own; any other name is a personal stage that behaves like `local`. */
type StageKind = "local" | "staging" | "prod";

const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lower-case DNS name like example.com");

const StageConfigSchema = z
  .object({
    /** Route 53 names of the stage; absent on stages that live on AWS-generated URLs. */
    domain: z.object({ zone: hostname, web: hostname, api: hostname }).optional(),
    /** The browser origins the API's CORS allows: the page's, or any (`*`). */
    corsOrigins: z.array(z.union([z.literal("*"), z.url()])).min(1),
    api: z.object({
      memoryMiB: z.number().int().min(128).max(10_240),
      // API Gateway gives up on an integration after 30 s: a longer Lambda timeout would only hide that.
      timeoutSeconds: z.number().int().min(1).max(29),
      throttle: z.object({ rate: z.number().int().min(1), burst: z.number().int().min(1) }),
    }),
    /** RDS behind RDS Proxy in an isolated VPC; absent where the function uses the developer's, from an SST secret. */
    database: z
      .object({
        instanceType: z.string().regex(/^[a-z0-9]+\.[a-z0-9]+$/, "must be an RDS class without the db. prefix, like t4g.micro"),
        allocatedStorageGiB: z.number().int().min(20).max(65_536),
        maxAllocatedStorageGiB: z.number().int().max(65_536),
        multiAz: z.boolean(),
        backupRetentionDays: z.number().int().min(1).max(35),
        deletionProtection: z.boolean(),
        removal: z.enum([RemovalPolicy.SNAPSHOT, RemovalPolicy.DESTROY]),
      })
      // Storage autoscaling needs room to grow.
      .refine((db) => db.maxAllocatedStorageGiB > db.allocatedStorageGiB, "maxAllocatedStorageGiB must exceed allocatedStorageGiB")
      .optional(),
    logRetention: z.enum(RetentionDays),
    /** The function's LOG_LEVEL. */
    logLevel: z.enum(["debug", "info", "warn", "error"]),
    /** What `/health` and every log line report as the running release. */
    version: z.string().min(1),
    /** What happens to logs and buckets when the stage is removed. */
    removal: z.enum([KEEP, RemovalPolicy.DESTROY]),
    /** Who hears the alarms; required where there are alarms. */
    alarmEmail: z.email().optional(),
    /**
     * How CodeDeploy moves the API's `live` alias to a new function version. Absent: the API calls the function
     * itself, which `sst dev` replaces with a stub that forwards to the developer's machine.
     */
    deployStrategy: z.enum(["all-at-once", "canary"]).optional(),
    /** Alarm thresholds; with them come the alarms, their SNS topic and the dashboard. Absent: nobody watches the stage. */
    monitoring: z
      .object({
        /** 5xx answers as a share of all requests. */
        apiServerErrorPercent: z.number().positive().max(100),
        apiP99LatencyMs: z.number().int().positive(),
        databaseCpuPercent: z.number().positive().max(100),
        databaseFreeStorageGiB: z.number().positive(),
        /** The proxy's connections to the database as a share of those it may open. */
        proxyConnectionsPercent: z.number().positive().max(100),
      })
      .optional(),
  })
  .refine((config) => config.api.throttle.burst >= config.api.throttle.rate, "api.throttle.burst below api.throttle.rate")
  .refine((config) => config.deployStrategy !== "canary" || config.monitoring, "a canary deploy needs monitoring: it rolls back on alarms")
  .refine((config) => !config.monitoring || config.alarmEmail, "raises alarms: set DATA_API_ALARM_EMAIL to the address that hears them");

export type StageConfig = z.infer<typeof StageConfigSchema>;

/** What configures a stage from outside the code (documented in the README's Deploying section). */
const Env = z.object({
  DATA_API_DOMAIN: hostname.optional(),
  DATA_API_HOSTED_ZONE: hostname.optional(),
  DATA_API_ALARM_EMAIL: z.email().optional(),
  /** The release being deployed (CI passes the tag, or the commit on main); defaults to package.json's version. */
  DATA_API_VERSION: z.string().trim().min(1).optional(),
  DATA_API_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region like eu-west-1").default("eu-west-1"),
});
type Env = z.infer<typeof Env>;

type Preset = Omit<StageConfig, "domain" | "corsOrigins" | "alarmEmail" | "version"> & {
  /** The web page's host under DATA_API_DOMAIN ("" for the apex); undefined: no custom domain. */
  subdomain?: string;
};

/**
 * CORS of a stage without a custom domain. Its page lives on a CloudFront URL that exists only after the Web stack,
 * which needs the API's URL, is deployed; HTTP API matches origins exactly or as `*`, never as a pattern. So any
 * origin, which costs nothing here: the API reads no cookie or other ambient credential a browser would add, so a
 * script elsewhere can do through CORS only what any HTTP client can do without it.
 */
const ANY_ORIGIN = ["*"];

const MONITORING: NonNullable<StageConfig["monitoring"]> = {
  apiServerErrorPercent: 1,
  apiP99LatencyMs: 2_000,
  databaseCpuPercent: 80,
  databaseFreeStorageGiB: 5,
  proxyConnectionsPercent: 80,
};

const PRESETS: Record<StageKind, Preset> = {
  local: {
    api: { memoryMiB: 1024, timeoutSeconds: 10, throttle: { rate: 20, burst: 40 } },
    logRetention: RetentionDays.ONE_WEEK,
    logLevel: "debug",
    removal: RemovalPolicy.DESTROY,
  },
  staging: {
    subdomain: "staging",
    api: { memoryMiB: 1024, timeoutSeconds: 10, throttle: { rate: 50, burst: 100 } },
    database: {
      instanceType: "t4g.micro",
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 50,
      multiAz: false,
      backupRetentionDays: 7,
      deletionProtection: false,
      removal: RemovalPolicy.DESTROY,
    },
    logRetention: RetentionDays.TWO_WEEKS,
    logLevel: "info",
    removal: RemovalPolicy.DESTROY,
    deployStrategy: "all-at-once",
    // Little traffic: one failed request in twenty is already 5%; a smaller disk to fill.
    monitoring: { ...MONITORING, apiServerErrorPercent: 5, databaseFreeStorageGiB: 2 },
  },
  prod: {
    subdomain: "",
    api: { memoryMiB: 1024, timeoutSeconds: 10, throttle: { rate: 200, burst: 400 } },
    database: {
      instanceType: "t4g.small",
      allocatedStorageGiB: 20,
      maxAllocatedStorageGiB: 100,
      multiAz: true,
      backupRetentionDays: 30,
      deletionProtection: true,
      removal: RemovalPolicy.SNAPSHOT,
    },
    logRetention: RetentionDays.THREE_MONTHS,
    logLevel: "info",
    removal: KEEP,
    deployStrategy: "canary",
    monitoring: MONITORING,
  },
};

function stageKind(stage: string): StageKind {
  return stage === "staging" || stage === "prod" ? stage : "local";
}

function problems(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "config"} ${issue.message}`).join("; ");
}

function readEnv(stage: string, env: Record<string, string | undefined>): Env {
  // CI hands an unset GitHub variable over as an empty string: it means unset here too.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim()));
  const parsed = Env.safeParse(given);
  if (!parsed.success) throw new Error(`Stage "${stage}": ${problems(parsed.error)}`);
  return parsed.data;
}

function domainOf(stage: string, subdomain: string | undefined, env: Env): StageConfig["domain"] {
  if (subdomain === undefined) return undefined;
  if (!env.DATA_API_DOMAIN) {
    throw new Error(`Stage "${stage}" serves a custom domain: set DATA_API_DOMAIN (and DATA_API_HOSTED_ZONE if it differs)`);
  }
  const web = subdomain ? `${subdomain}.${env.DATA_API_DOMAIN}` : env.DATA_API_DOMAIN;
  const zone = env.DATA_API_HOSTED_ZONE ?? env.DATA_API_DOMAIN;
  if (web !== zone && !web.endsWith(`.${zone}`)) {
    throw new Error(`Stage "${stage}": ${web} is not inside the hosted zone ${zone}`);
  }
  return { zone, web, api: `api.${web}` };
}

/** The settings of a stage, from its kind's preset and the environment; throws before any stack is built when they are invalid. */
export function resolveStageConfig(stage: string, env: Record<string, string | undefined>): StageConfig {
  const settings = readEnv(stage, env);
  const { subdomain, ...preset } = PRESETS[stageKind(stage)];
  const domain = domainOf(stage, subdomain, settings);
  const parsed = StageConfigSchema.safeParse({
    ...preset,
    domain,
    corsOrigins: domain ? [`https://${domain.web}`] : ANY_ORIGIN,
    alarmEmail: settings.DATA_API_ALARM_EMAIL,
    version: settings.DATA_API_VERSION ?? rootPackage.version,
  });
  if (!parsed.success) throw new Error(`Stage "${stage}": ${problems(parsed.error)}`);
  return parsed.data;
}

/** Whether `stage` runs on the developer's database (no database of its own): the stages `sst dev` may take over. */
export function usesDeveloperDatabase(stage: string): boolean {
  return PRESETS[stageKind(stage)].database === undefined;
}

/** Settings of the SST app itself, read by sst.config.ts. */
export function appSettings(env: Record<string, string | undefined>) {
  return { name: "data-api", region: readEnv("any", env).DATA_API_REGION };
}

const stageConfig = appContext<StageConfig>("stage config");

/** Hands the validated config to the stacks of `app`. */
export const provideStageConfig = stageConfig.provide;
export const useStageConfig = stageConfig.use;
