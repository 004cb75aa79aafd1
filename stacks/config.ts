import { WRITE_ACCESS, WRITE_SCOPE } from "@data-api/core/access";
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
/** A service level objective in percent: 100 would leave no error budget to spend. */
const objective = v.pipe(v.number(), v.gtValue(0), v.ltValue(100));
/** API Gateway's JWT authorizer fetches the issuer's discovery document and keys over HTTPS only. */
const httpsUrl = v.pipe(v.string(), v.url("must be an absolute URL"), v.startsWith("https://", "must be an https:// URL"));

const THREAT_PROTECTION = ["off", "audit", "enforced"] as const;

/**
 * Who signs callers in where writes are signed-in (README, "Deploying"): a Cognito user pool of the stage's own,
 * or an OpenID Connect issuer elsewhere whose access tokens API Gateway verifies.
 */
const IdentitySchema = v.variant("kind", [
  v.object({
    kind: v.literal("cognito"),
    /**
     * Cognito's threat protection (once "advanced security"): "enforced" blocks sign-ins with leaked passwords and
     * asks for MFA on risky ones; "audit" only records the risk; both need the Plus feature plan, billed per
     * monthly active user with no free tier. "off" keeps the pool on Essentials.
     */
    threatProtection: v.picklist(THREAT_PROTECTION),
    /** Where the hosted sign-in may send the page back to, after signing in and after signing out. */
    pageUrls: v.pipe(v.array(httpsUrl), v.minLength(1)),
  }),
  v.object({
    kind: v.literal("external"),
    /** The `iss` of its tokens; `<issuer>/.well-known/openid-configuration` must be reachable. */
    issuer: httpsUrl,
    /** Accepted `aud` (or Cognito's `client_id`) values: at least one. */
    audiences: v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1), v.maxLength(50)),
    /** The page's public client at that issuer (authorization code with PKCE); without it the page cannot sign in. */
    pageClientId: v.optional(v.pipe(v.string(), v.minLength(1))),
  }),
]);

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
    /**
     * Who may add and delete records: anyone (the Flask app's contract), or callers whose token the stage's
     * identity issued with the data/write scope. API Gateway checks the token, the function the scope.
     */
    writes: v.picklist(WRITE_ACCESS),
    /** Whether `GET /data` shows who created each record. */
    exposeCreatedBy: v.boolean(),
    /** The identity tokens come from; kept while writes are opened, so that its users survive the change. */
    identity: v.optional(IdentitySchema),
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
        /** Connections the proxy keeps pinned to one client (session state), summed over its hosts. */
        proxyPinnedConnections: integer(0),
        /** The database's average answer to the proxy's queries, over 5 minutes (RDS Proxy reports microseconds). */
        proxyQueryLatencyMs: v.pipe(v.number(), v.gtValue(0)),
        /** The slowest answer the outside probe (a Synthetics canary, every minute) accepts from each check. */
        probeLatencyMs: integer(1, 10_000),
        /**
         * What the stage promises over 30 days, and what its burn-rate alarms guard: the share of requests (and probe
         * runs) that must not fail, and the share of requests API Gateway must answer within `latencyThresholdMs`.
         */
        slo: v.object({
          availabilityPercent: objective,
          latencyPercent: objective,
          latencyThresholdMs: integer(1, 29_000),
        }),
      }),
    ),
  }),
  v.check((config) => config.api.throttle.burst >= config.api.throttle.rate, "api.throttle.burst below api.throttle.rate"),
  v.check((config) => config.deployStrategy !== "canary" || config.monitoring !== undefined, "a canary deploy needs monitoring: it rolls back on alarms"),
  v.check((config) => !config.monitoring || config.alarmEmail !== undefined, "raises alarms: set DATA_API_ALARM_EMAIL to the address that hears them"),
  v.check((config) => config.writes === "public" || config.identity !== undefined, "writes are signed-in, but the stage has no identity to sign in with"),
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
  /** `true` opens the writes of a stage that signs them in by default (staging, prod); `false` keeps them signed-in. */
  DATA_API_PUBLIC_WRITES: v.optional(
    v.pipe(
      v.string(),
      v.transform((given) => given.toLowerCase()),
      v.picklist(["true", "false"], (issue) => `must be true or false, not "${String(issue.input)}"`),
      v.transform((given) => given === "true"),
    ),
  ),
  /** An OpenID Connect issuer instead of the stage's own Cognito user pool, with the audiences it issues tokens for. */
  DATA_API_JWT_ISSUER: optionalText,
  /** Comma-separated. */
  DATA_API_JWT_AUDIENCE: optionalText,
  /** The page's public client at DATA_API_JWT_ISSUER; optional. */
  DATA_API_JWT_PAGE_CLIENT_ID: optionalText,
});
type Env = ReturnType<typeof readStageEnv>;

type Preset = Omit<StageConfig, "domain" | "corsOrigins" | "alarmEmail" | "version" | "identity"> & {
  /** The web page's host under DATA_API_DOMAIN ("" for the apex); undefined: no custom domain. */
  subdomain?: string;
  /** The stage's own user pool, unless DATA_API_JWT_ISSUER names another issuer; absent: nobody signs in. */
  cognito?: { threatProtection: (typeof THREAT_PROTECTION)[number] };
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
  // A pinned connection serves one client until it disconnects: the app sets no session state, so any is a fault.
  proxyPinnedConnections: 0,
  // The app's statements are single-row lookups and inserts: an average of 50 ms leaves nothing of a 100 ms answer.
  proxyQueryLatencyMs: 50,
  // From a canary in the stage's region through TLS, API Gateway, the function and the database: well above the
  // API's own 100 ms, so that a slow minute of the internet does not count as the stage being down.
  probeLatencyMs: 2_000,
  // The design documents: up more than 99.9% of the time, answers under 100 ms.
  slo: { availabilityPercent: 99.9, latencyPercent: 99, latencyThresholdMs: 100 },
};

const PRESETS: Record<StageKind, Preset> = {
  local: {
    api: { memoryMiB: 1024, timeoutSeconds: 10, throttle: { rate: 20, burst: 40 } },
    logRetention: RetentionDays.ONE_WEEK,
    logLevel: "debug",
    removal: RemovalPolicy.DESTROY,
    // A developer's stage, on a URL nobody is given: open like the Flask app, and nothing to sign in to.
    writes: "public",
    exposeCreatedBy: false,
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
    writes: "signed-in",
    exposeCreatedBy: false,
    // Its users are the team and CI's machine client, its records test data: threat protection's Plus plan would
    // bill every active user for risk scoring nobody acts on. The password policy and optional MFA stay.
    cognito: { threatProtection: "off" },
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
    writes: "signed-in",
    exposeCreatedBy: false,
    // Real users: block sign-ins with passwords known from breaches, ask for MFA when a sign-in looks risky. The
    // Plus plan bills each monthly active user (a few cents for invited people); machines are not MAUs.
    cognito: { threatProtection: "enforced" },
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

/**
 * Who signs callers in: DATA_API_JWT_ISSUER's issuer, else the stage's own user pool, whose hosted sign-in sends
 * the page back to its own origin. Stages without one (local, personal) refuse the variables rather than ignore them.
 */
function identityOf(stage: string, cognito: Preset["cognito"], domain: StageConfig["domain"], env: Env): unknown {
  const external = env.DATA_API_JWT_ISSUER !== undefined || env.DATA_API_JWT_AUDIENCE !== undefined || env.DATA_API_JWT_PAGE_CLIENT_ID !== undefined;
  if (!cognito) {
    if (external) throw new Error(`Stage "${stage}": writes are public here and nobody signs in: DATA_API_JWT_* apply to staging and prod`);
    return undefined;
  }
  if (!external) return { kind: "cognito", threatProtection: cognito.threatProtection, pageUrls: domain ? [`https://${domain.web}/`] : [] };
  if (!env.DATA_API_JWT_ISSUER || !env.DATA_API_JWT_AUDIENCE) {
    throw new Error(`Stage "${stage}": an external issuer needs both DATA_API_JWT_ISSUER and DATA_API_JWT_AUDIENCE`);
  }
  return {
    kind: "external",
    issuer: env.DATA_API_JWT_ISSUER,
    audiences: env.DATA_API_JWT_AUDIENCE.split(",").map((audience) => audience.trim()),
    pageClientId: env.DATA_API_JWT_PAGE_CLIENT_ID,
  };
}

function writesOf(stage: string, writes: Preset["writes"], env: Env): StageConfig["writes"] {
  if (env.DATA_API_PUBLIC_WRITES === undefined) return writes;
  if (writes === "public" && !env.DATA_API_PUBLIC_WRITES) {
    throw new Error(`Stage "${stage}": DATA_API_PUBLIC_WRITES=false needs an identity to sign in with, which only staging and prod have`);
  }
  return env.DATA_API_PUBLIC_WRITES ? "public" : "signed-in";
}

/** The settings of a stage, from its kind's preset and the environment; throws before any stack is built when they are invalid. */
export function resolveStageConfig(stage: string, env: Record<string, string | undefined>): StageConfig {
  const settings = readEnv(stage, env);
  const { subdomain, cognito, ...preset } = PRESETS[stageKind(stage)];
  const domain = domainOf(stage, subdomain, settings);
  const parsed = v.safeParse(StageConfigSchema, {
    ...preset,
    domain,
    corsOrigins: domain ? [`https://${domain.web}`] : ANY_ORIGIN,
    alarmEmail: settings.DATA_API_ALARM_EMAIL,
    version: settings.DATA_API_VERSION ?? rootPackage.version,
    writes: writesOf(stage, preset.writes, settings),
    identity: identityOf(stage, cognito, domain, settings),
  });
  if (parsed.success) return parsed.output;
  const problems = parsed.issues.map((issue) => `${v.getDotPath(issue) ?? "config"} ${issue.message}`);
  throw new Error(`Stage "${stage}": ${problems.join("; ")}`);
}

/**
 * What the person deploying `stage` must not miss, printed by `sst deploy` and `npm run synth`: a stage that signs
 * writes in by default whose writes an environment variable opened to anyone.
 */
export function stageWarnings(stage: string, config: StageConfig): string[] {
  if (config.writes !== "public" || PRESETS[stageKind(stage)].writes === "public") return [];
  return [
    `WRITES ARE PUBLIC ON ${stage.toUpperCase()}: DATA_API_PUBLIC_WRITES=true lets anyone on the internet add and delete ` +
      `records, without signing in. Unset it (or set it to false) to require a token with the ${WRITE_SCOPE.full} scope again.`,
  ];
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
