import { envReader, optionalText } from "@data-api/core/env";
import { RemovalPolicy } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import * as v from "valibot";
import { LOG_LEVELS } from "../packages/functions/src/settings";
import { appContext } from "./app-context";
import rootPackage from "../package.json";
import { KEEP } from "./removal";

/** The stages with settings of their own; any other name is a personal stage that behaves like `local`. */
type StageKind = "local" | "staging" | "prod";

const hostname = v.pipe(
  v.string(),
  v.regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lower-case DNS name like example.com"),
);
const email = v.pipe(v.string(), v.email("must be an e-mail address"));
const integer = (min: number, max = Number.MAX_SAFE_INTEGER) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const share = v.pipe(v.number(), v.gtValue(0), v.maxValue(100));

const StageConfigSchema = v.pipe(
  v.object({
    /** Route 53 names of the stage; absent on stages that live on AWS-generated URLs. */
    domain: v.optional(v.object({ zone: hostname, web: hostname, api: hostname })),
    /** The browser origins the API's CORS allows: the page's, or any (`*`). */
    corsOrigins: v.pipe(v.array(v.union([v.literal("*"), v.pipe(v.string(), v.url())])), v.minLength(1)),
    api: v.object({
      memoryMiB: integer(128, 10_240),
      // API Gateway gives up on an integration after 30 s: a longer Lambda timeout would only hide that.
      timeoutSeconds: integer(1, 29),
      throttle: v.object({ rate: integer(1), burst: integer(1) }),
    }),
    /** RDS behind RDS Proxy in an isolated VPC; absent where the function uses the developer's, from an SST secret. */
    database: v.optional(
      v.pipe(
        v.object({
          instanceType: v.pipe(v.string(), v.regex(/^[a-z0-9]+\.[a-z0-9]+$/, "must be an RDS class without the db. prefix, like t4g.micro")),
          allocatedStorageGiB: integer(20, 65_536),
          maxAllocatedStorageGiB: integer(0, 65_536),
          multiAz: v.boolean(),
          backupRetentionDays: integer(1, 35),
          deletionProtection: v.boolean(),
          removal: v.picklist([RemovalPolicy.SNAPSHOT, RemovalPolicy.DESTROY]),
        }),
        // Storage autoscaling needs room to grow.
        v.check((db) => db.maxAllocatedStorageGiB > db.allocatedStorageGiB, "maxAllocatedStorageGiB must exceed allocatedStorageGiB"),
      ),
    ),
    logRetention: v.enum(RetentionDays),
    /** The function's log level. */
    logLevel: v.picklist(LOG_LEVELS),
    /** What `/health` and every log line report as the running release. */
    version: v.pipe(v.string(), v.minLength(1)),
    /** What happens to logs and buckets when the stage is removed. */
    removal: v.picklist([KEEP, RemovalPolicy.DESTROY]),
    /** Who hears the alarms; required where there are alarms. */
    alarmEmail: v.optional(email),
    /**
     * How CodeDeploy moves the API's `live` alias to a new function version. Absent: the API calls the function
     * itself, which `sst dev` replaces with a stub that forwards to the developer's machine.
     */
    deployStrategy: v.optional(v.picklist(["all-at-once", "canary"])),
    /** Alarm thresholds; with them come the alarms, their SNS topic and the dashboard. Absent: nobody watches the stage. */
    monitoring: v.optional(
      v.object({
        /** 5xx answers as a share of all requests. */
        apiServerErrorPercent: share,
        apiP99LatencyMs: integer(1),
        databaseCpuPercent: share,
        databaseFreeStorageGiB: v.pipe(v.number(), v.gtValue(0)),
        /** The proxy's connections to the database as a share of those it may open. */
        proxyConnectionsPercent: share,
      }),
    ),
  }),
  v.check((config) => config.api.throttle.burst >= config.api.throttle.rate, "api.throttle.burst below api.throttle.rate"),
  v.check((config) => config.deployStrategy !== "canary" || config.monitoring !== undefined, "a canary deploy needs monitoring: it rolls back on alarms"),
  v.check((config) => !config.monitoring || config.alarmEmail !== undefined, "raises alarms: set DATA_API_ALARM_EMAIL to the address that hears them"),
);

export type StageConfig = v.InferOutput<typeof StageConfigSchema>;

/**
 * What configures a stage from outside the code (documented in the README's Deploying section), read like every
 * other group of settings: a blank value (CI's unset GitHub variable) counts as unset.
 */
const readStageEnv = envReader("stage settings", {
  DATA_API_DOMAIN: v.optional(hostname),
  DATA_API_HOSTED_ZONE: v.optional(hostname),
  DATA_API_ALARM_EMAIL: v.optional(email),
  /** The release being deployed (CI passes the tag, or the commit on main); defaults to package.json's version. */
  DATA_API_VERSION: optionalText,
  DATA_API_REGION: v.optional(v.pipe(v.string(), v.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region like eu-west-1")), "eu-west-1"),
});
type Env = ReturnType<typeof readStageEnv>;

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

function readEnv(stage: string, env: Record<string, string | undefined>): Env {
  try {
    return readStageEnv(env);
  } catch (error) {
    throw new Error(`Stage "${stage}": ${(error as Error).message}`);
  }
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
  const parsed = v.safeParse(StageConfigSchema, {
    ...preset,
    domain,
    corsOrigins: domain ? [`https://${domain.web}`] : ANY_ORIGIN,
    alarmEmail: settings.DATA_API_ALARM_EMAIL,
    version: settings.DATA_API_VERSION ?? rootPackage.version,
  });
  if (parsed.success) return parsed.output;
  const problems = parsed.issues.map((issue) => `${v.getDotPath(issue) ?? "config"} ${issue.message}`);
  throw new Error(`Stage "${stage}": ${problems.join("; ")}`);
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
