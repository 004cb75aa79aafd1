import { use, type StackContext } from "sst/constructs";
import { Api } from "./Api";
import { useStageConfig } from "./config";
import { Database } from "./Database";
import { overviewDashboard } from "./monitoring/dashboard";
import { Operations } from "./Operations";

/** The stage's CloudWatch dashboard; its URL is an output of the deploy. */
export function Dashboard({ stack, app }: StackContext) {
  const config = useStageConfig(app);
  const { api, fn, alarms } = use(Api);
  const database = config.database ? use(Database) : undefined;
  if (!alarms) throw new Error(`Stage "${app.stage}" has no monitoring settings`);
  const name = `${app.stage}-${app.name}`;
  overviewDashboard(stack, name, {
    stage: app.stage,
    api: api.cdk.httpApi.defaultStage!,
    fn,
    apiAlarms: alarms,
    database: database?.alarms && { instance: database.instance, proxy: database.proxy, alarms: database.alarms },
    operations: use(Operations),
  });
  stack.addOutputs({
    DashboardUrl: `https://${stack.region}.console.aws.amazon.com/cloudwatch/home?region=${stack.region}#dashboards/dashboard/${name}`,
  });
}
