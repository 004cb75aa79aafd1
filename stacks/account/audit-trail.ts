import { Duration, Stack } from "aws-cdk-lib";
import * as cloudtrail from "aws-cdk-lib/aws-cloudtrail";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as cxapi from "aws-cdk-lib/cx-api";
import { NagSuppressions } from "cdk-nag";
import { Construct } from "constructs";
import { KEEP } from "../removal";

/** How long the log files stay in S3. */
const RETENTION = Duration.days(365);
/** How long events stay searchable in CloudWatch Logs, where ingestion and storage cost far more than in S3. */
const SEARCHABLE_FOR = logs.RetentionDays.THREE_MONTHS;

/**
 * Every API call in every region of the account, kept as evidence: a multi-region CloudTrail with log file
 * validation, delivered to a private, versioned bucket under a customer-managed key and to CloudWatch Logs.
 * Everything is retained when the stack is removed.
 */
export class AuditTrail extends Construct {
  readonly trail: cloudtrail.Trail;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: { trailName: string }) {
    super(scope, id);
    // Deliver access logs through a bucket policy, so every bucket here keeps ACLs disabled (CDK's default is an ACL).
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const { account, region, partition } = Stack.of(this);
    const trailArn = `arn:${partition}:cloudtrail:${region}:${account}:trail/${props.trailName}`;

    const key = new kms.Key(this, "Key", {
      description: `Encrypts the log files of CloudTrail ${props.trailName}`,
      enableKeyRotation: true,
      removalPolicy: KEEP,
    });
    const cloudTrail = new iam.ServicePrincipal("cloudtrail.amazonaws.com");
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudTrailEncryptsItsLogFiles",
        principals: [cloudTrail],
        actions: ["kms:GenerateDataKey*"],
        resources: ["*"],
        conditions: {
          StringEquals: { "aws:SourceArn": trailArn },
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${partition}:cloudtrail:*:${account}:trail/*` },
        },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudTrailDescribesTheKey",
        principals: [cloudTrail],
        actions: ["kms:DescribeKey"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceArn": trailArn } },
      }),
    );

    const accessLogs = new s3.Bucket(this, "AccessLogs", {
      ...privateBucket,
      lifecycleRules: [{ id: "expire", expiration: RETENTION }],
    });
    NagSuppressions.addResourceSuppressions(accessLogs, [
      { id: "AwsSolutions-S1", reason: "This bucket receives the trail bucket's access logs; logging it would recurse." },
    ]);

    this.bucket = new s3.Bucket(this, "Bucket", {
      ...privateBucket,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: "trail-bucket/",
      lifecycleRules: [
        // Log files are a few KB each: moving them to colder storage classes costs more in transition requests
        // than it saves, so they stay in Standard until they expire.
        {
          id: "expire",
          expiration: RETENTION,
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    const logGroup = new logs.LogGroup(this, "LogGroup", {
      retention: SEARCHABLE_FOR,
      removalPolicy: KEEP,
    });

    this.trail = new cloudtrail.Trail(this, "Trail", {
      trailName: props.trailName,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
      enableFileValidation: true,
      bucket: this.bucket,
      encryptionKey: key,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: logGroup,
    });
  }
}

const privateBucket: s3.BucketProps = {
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  removalPolicy: KEEP,
};
