import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as logs from "aws-cdk-lib/aws-logs";
import type { StackContext } from "sst/constructs";
import { useStageConfig } from "./config";

/** Only the database tier lives in the VPC, and the function needs nothing there but the proxy: no NAT gateway. */
export function Network({ stack, app }: StackContext) {
  const config = useStageConfig(app);
  const flowLogs = new logs.LogGroup(stack, "FlowLogs", { retention: config.logRetention, removalPolicy: config.removal });
  const vpc = new ec2.Vpc(stack, "Vpc", {
    ipAddresses: ec2.IpAddresses.cidr("10.0.0.0/16"),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: "isolated", subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
    flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) } },
  });
  return { vpc, isolatedSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } satisfies ec2.SubnetSelection };
}
