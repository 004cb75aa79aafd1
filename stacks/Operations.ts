import { join } from "node:path";
import { use, type StackContext } from "sst/constructs";
import { useProject } from "sst/project.js";
import { Alerts } from "./Alerts";
import { Api } from "./Api";
import { useStageConfig } from "./config";
import { sloAlarms } from "./monitoring/alarms";
import { outsideProbe } from "./monitoring/canary";
import { availability, latency } from "./monitoring/indicators";
import { savedQueries } from "./monitoring/queries";

/**
 * Whether the stage keeps what the design documents promise: the probe that calls it from outside every minute,
 * the availability and latency objectives with their burn-rate alarms, and the saved Logs Insights queries.
 */
export function Operations({ stack, app }: StackContext) {
  const config = useStageConfig(app);
  const monitoring = config.monitoring;
  if (!monitoring) throw new Error(`Stage "${app.stage}" has no monitoring settings`);
  const { api, url, logGroups } = use(Api);
  const watch = { app, topic: use(Alerts).topic, thresholds: monitoring };
  const httpStage = api.cdk.httpApi.defaultStage!;

  const probe = outsideProbe(stack, {
    name: app.logicalPrefixedName("probe"),
    // Where users call it: the custom domain, which a certificate or DNS fault breaks and the API's own URL not.
    target: { baseUrl: config.domain ? `https://${config.domain.api}` : url, latencyMs: monitoring.probeLatencyMs },
    bundleDir: join(useProject().paths.artifacts, "probe-canary"),
    artifactDays: config.logRetention,
    removal: config.removal,
  });
  const { slo } = monitoring;
  const indicators = {
    availability: availability(slo.availabilityPercent, httpStage, probe),
    latency: latency(stack, { targetPercent: slo.latencyPercent, thresholdMs: slo.latencyThresholdMs, stage: app.stage }, httpStage, logGroups.access),
  };
  const alarms = {
    availability: sloAlarms(stack, watch, indicators.availability),
    latency: sloAlarms(stack, watch, indicators.latency),
  };
  savedQueries(stack, app.logicalPrefixedName("queries"), logGroups);
  stack.addOutputs({ ProbeName: probe.canaryName, ProbeArtifacts: probe.artifactsBucket.bucketName });
  return { probe, indicators, alarms };
}
