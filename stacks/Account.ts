import * as iam from "aws-cdk-lib/aws-iam";
import type { StackContext } from "sst/constructs";
import { AuditTrail } from "./account/audit-trail";
import { GITHUB_ISSUER, GitHubDeployRole, STS_AUDIENCE } from "./account/deploy-role";
import { DEPLOYED_STAGES, deploySubject, useAccountSettings } from "./account/settings";
import { deployRoleVariable } from "./deploy-variables";

const capitalized = (word: string) => word[0]!.toUpperCase() + word.slice(1);

/**
 * Once per AWS account (`sst deploy --stage account`, by an administrator): a role per deployed stage for the
 * GitHub Actions job that deploys it, and the account's audit trail. Deploy it in the app's region, after the
 * CDK bootstrap (docs/runbook.md, "From an empty account").
 */
export function Account({ app, stack }: StackContext) {
  const settings = useAccountSettings(app);
  // An account holds one provider per issuer: both roles trust the same one.
  const providerArn = settings.oidcProviderArn
    ? iam.OidcProviderNative.fromOidcProviderArn(stack, "GitHubProvider", settings.oidcProviderArn).oidcProviderArn
    : new iam.OidcProviderNative(stack, "GitHubProvider", { url: `https://${GITHUB_ISSUER}`, clientIds: [STS_AUDIENCE] }).oidcProviderArn;

  for (const stage of DEPLOYED_STAGES) {
    const deploy = new GitHubDeployRole(stack, `${capitalized(stage)}Deploy`, {
      stage,
      appName: app.name,
      providerArn,
      subject: deploySubject(settings.repository, stage),
    });
    stack.addOutputs({
      [`${capitalized(stage)}DeployRoleArn`]: { value: deploy.role.roleArn, description: `GitHub variable ${deployRoleVariable(stage)}` },
    });
  }

  const audit = new AuditTrail(stack, "Audit", { trailName: `${app.name}-audit` });
  stack.addOutputs({ AuditTrailArn: audit.trail.trailArn, AuditBucket: audit.bucket.bucketName });
}
