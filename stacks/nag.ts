import { Aspects, AspectPriority, CfnResource, type IAspect } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import {
  AwsSolutionsChecks,
  NagSuppressions,
  type INagLogger,
  type NagLoggerNonComplianceData,
  type NagLoggerSuppressedData,
  type NagPackSuppression,
} from "cdk-nag";
import type { IConstruct } from "constructs";
import type { App } from "sst/constructs";

export interface NagFinding {
  rule: string;
  level: string;
  /** Construct path of the resource, e.g. "prod-data-api-Database/Instance/Resource". */
  path: string;
  info: string;
  /** Why it is accepted, for suppressed findings. */
  reason?: string;
}

class Collector implements INagLogger {
  readonly findings: NagFinding[] = [];
  readonly suppressed: NagFinding[] = [];
  private record(data: NagLoggerNonComplianceData): NagFinding {
    // Granular rules (IAM4, IAM5) name what they found, e.g. AwsSolutions-IAM5[Resource::*].
    const rule = data.findingId && data.findingId !== data.ruleId ? `${data.ruleId}[${data.findingId}]` : data.ruleId;
    return { rule, level: data.ruleLevel, path: data.resource.node.path, info: data.ruleInfo };
  }
  onNonCompliance(data: NagLoggerNonComplianceData) {
    this.findings.push(this.record(data));
  }
  onSuppressed(data: NagLoggerSuppressedData) {
    // cdk-nag prefixes the reason of a suppression limited by appliesTo with the finding it matched.
    const reason = data.suppressionReason.replace(`[${data.findingId}] `, "");
    this.suppressed.push({ ...this.record(data), reason });
  }
  onError(data: NagLoggerNonComplianceData & { errorMessage: string }) {
    this.findings.push({ ...this.record(data), info: `the rule failed: ${data.errorMessage}` });
  }
  onSuppressedError() {}
  onCompliance() {}
  onNotApplicable() {}
}

/** Runs cdk-nag's AwsSolutions pack over `app` at synthesis and collects what it finds. */
export function checkWithNag(app: App) {
  const collector = new Collector();
  Aspects.of(app).add(new AwsSolutionsChecks({ reports: false, additionalLoggers: [collector] }));
  return collector;
}

const MANAGED_EXECUTION_POLICIES = ["AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole"].map(
  (name) => `Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}`,
);

/** Resources SST creates inside its constructs, some during app.finish(), where no stack code can reach them. */
const SST_INTERNALS: { path: RegExp; suppressions: NagPackSuppression[] }[] = [
  {
    path: /\/ScriptHandler\/ServiceRole\/DefaultPolicy\/Resource$/,
    suppressions: [
      {
        id: "AwsSolutions-IAM5",
        reason: "SST's Script handler may invoke the migration function's versions, which CDK's grantInvoke writes as <function ARN>:*.",
        appliesTo: [{ regex: "/^Resource::<MigrationFunction[A-Z0-9]+\\.Arn>:\\*$/" }],
      },
    ],
  },
  {
    path: /\/S3UploaderPolicy\/Resource$/,
    suppressions: [
      {
        id: "AwsSolutions-IAM5",
        reason: "SST's site uploader writes every object of the site bucket and reads the objects of the CDK asset bucket.",
        appliesTo: [{ regex: "/^Resource::<Files[A-Z0-9]+\\.Arn>\\/\\*$/" }, { regex: "/^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-.+\\/\\*$/" }],
      },
    ],
  },
  {
    path: /\/CertificateRequestorFunction\/ServiceRole\/DefaultPolicy\/Resource$/,
    suppressions: [
      {
        id: "AwsSolutions-IAM5",
        reason: "SST's requestor creates CloudFront's us-east-1 certificate; ACM's RequestCertificate and Route 53's GetChange take no resource.",
        appliesTo: ["Resource::*"],
      },
    ],
  },
];

/** Suppressions that hold for every resource of a kind, or for SST's own resources, each with its reason. */
class AcceptKnownFindings implements IAspect {
  visit(node: IConstruct) {
    if (!(node instanceof CfnResource)) return;
    const suppressions: NagPackSuppression[] = SST_INTERNALS.filter(({ path }) => path.test(node.node.path)).flatMap(
      (entry) => entry.suppressions,
    );
    if (node instanceof lambda.CfnFunction && node.runtime === lambda.Runtime.NODEJS_22_X.name) {
      suppressions.push({ id: "AwsSolutions-L1", reason: "nodejs22.x is a supported Lambda LTS runtime: SST pins it for its own handlers, the project for its functions." });
    }
    if (node instanceof iam.CfnRole) {
      suppressions.push({
        id: "AwsSolutions-IAM4",
        reason: "AWS's managed Lambda execution policies grant log writing and, in a VPC, network interface management: nothing more.",
        appliesTo: MANAGED_EXECUTION_POLICIES,
      });
    }
    if (suppressions.length > 0) NagSuppressions.addResourceSuppressions(node, suppressions);
  }
}

/** Must run before the checks, which read suppressions from metadata: hence the mutating priority. */
export function acceptKnownFindings(app: App): void {
  Aspects.of(app).add(new AcceptKnownFindings(), { priority: AspectPriority.MUTATING });
}
