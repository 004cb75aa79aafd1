import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { synthesized, type Synthesized } from "./testing";

const stages: Record<string, Synthesized> = {};
beforeAll(async () => {
  for (const stage of ["local", "staging", "prod"]) stages[stage] = await synthesized(stage);
});

describe.each([
  ["staging", 14],
  ["prod", 90],
])("the %s network", (stage, retentionDays) => {
  const network = () => stages[stage]!.template("Network");

  it("is a 10.0.0.0/16 VPC with a public and an isolated subnet in each of two availability zones", () => {
    network().hasResourceProperties("AWS::EC2::VPC", { CidrBlock: "10.0.0.0/16" });
    const subnets = Object.values(network().findResources("AWS::EC2::Subnet"));
    const isolated = subnets.filter((subnet) => JSON.stringify(subnet.Properties.Tags).includes('"Isolated"'));
    expect(subnets).toHaveLength(4);
    expect(isolated).toHaveLength(2);
    expect(new Set(isolated.map((subnet) => subnet.Properties.AvailabilityZone)).size).toBe(2);
    for (const subnet of isolated) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
  });

  it("has no NAT gateway and no route out of the isolated subnets", () => {
    network().resourceCountIs("AWS::EC2::NatGateway", 0);
    const routes = Object.values(network().findResources("AWS::EC2::Route"));
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      expect(route.Properties.RouteTableId.Ref).toMatch(/^Vpcpublic/);
      expect(route.Properties.GatewayId.Ref).toMatch(/^VpcIGW/);
    }
  });

  it("logs every flow to CloudWatch with the stage's retention", () => {
    network().hasResourceProperties("AWS::EC2::FlowLog", {
      ResourceType: "VPC",
      TrafficType: "ALL",
      LogDestinationType: "cloud-watch-logs",
      LogGroupName: { Ref: Match.stringLikeRegexp("^FlowLogs") },
    });
    network().hasResourceProperties("AWS::Logs::LogGroup", { RetentionInDays: retentionDays });
  });
});

describe("the local stage", () => {
  it("has no network and no VPC resource in any stack", () => {
    const local = stages.local!;
    expect(local.stacks.map((stack) => stack.id).sort()).toEqual(["Api", "Web"]);
    for (const stack of local.stacks) {
      const types = Object.values<{ Type: string }>(stack.template.Resources).map((resource) => resource.Type);
      expect(types.filter((type) => /^AWS::EC2::|^AWS::RDS::/.test(type))).toEqual([]);
    }
  });
});
