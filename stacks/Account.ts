import type { StackContext } from "sst/constructs";
import { AuditTrail } from "./account/audit-trail";
import { GitHubDeployRole } from "./account/deploy-role";
import { DEPLOYED_STAGES, PRODUCTION_ENVIRONMENT, useAccountSettings } from "./account/settings";

/**
 * Once per AWS account (`sst deploy --stage account`, by an administrator): the role GitHub Actions deploys with,
 * and the account's audit trail. Deploy it in the app's region, after `cdk bootstrap` / the first SST bootstrap.
 */
export function Account({ app, stack }: StackContext) {
  const settings = useAccountSettings(app);
  const deploy = new GitHubDeployRole(stack, "GitHubDeploy", {
    ...settings,
    appName: app.name,
    stages: DEPLOYED_STAGES,
    productionEnvironment: PRODUCTION_ENVIRONMENT,
  });
  const audit = new AuditTrail(stack, "Audit", { trailName: `${app.name}-audit` });

  stack.addOutputs({
    DeployRoleArn: { value: deploy.role.roleArn, description: "GitHub repository variable AWS_DEPLOY_ROLE_ARN" },
    AuditTrailArn: audit.trail.trailArn,
    AuditBucket: audit.bucket.bucketName,
  });
}
