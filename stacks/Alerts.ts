import { ArnFormat } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { StackContext } from "sst/constructs";
import { useStageConfig } from "./config";

/** The SNS topic every alarm of the stage notifies, and the stage's alarm e-mail address, subscribed to it. */
export function Alerts({ stack, app }: StackContext) {
  const config = useStageConfig(app);
  // CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key: this one lets it in.
  const key = new kms.Key(stack, "TopicKey", {
    description: `Encrypts the alarm notifications of ${app.stage}`,
    enableKeyRotation: true,
    removalPolicy: config.removal,
  });
  const topic = new sns.Topic(stack, "Topic", { displayName: `data-api ${app.stage} alarms`, masterKey: key, enforceSSL: true });
  topic.grantPublish(
    new iam.ServicePrincipal("cloudwatch.amazonaws.com", {
      conditions: {
        ArnLike: { "aws:SourceArn": stack.formatArn({ service: "cloudwatch", resource: "alarm", resourceName: "*", arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        StringEquals: { "aws:SourceAccount": stack.account },
      },
    }),
  );
  if (config.alarmEmail) topic.addSubscription(new EmailSubscription(config.alarmEmail));
  return { topic };
}
