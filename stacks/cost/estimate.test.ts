import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { COST_BEGIN, COST_END, costSection, estimateStage, type CfnTemplate, type CostLine } from "./estimate";
import { HOURS_PER_MONTH, PRICES } from "./prices";
import { pricedStages } from "./stages";

const readme = () => {
  const text = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  return text.slice(text.indexOf(COST_BEGIN), text.indexOf(COST_END) + COST_END.length);
};

const line = (lines: CostLine[], item: RegExp) => {
  const found = lines.find((candidate) => item.test(candidate.item));
  if (!found) throw new Error(`no line ${item} among ${lines.map((candidate) => candidate.item).join(", ")}`);
  return found;
};

const idle = (lines: CostLine[]) => lines.reduce((sum, each) => sum + each.idle, 0);

describe("the README's cost section", () => {
  let stages: Awaited<ReturnType<typeof pricedStages>>;
  beforeAll(async () => {
    stages = await pricedStages();
  });

  it("is what npm run cost computes from the stacks every stage synthesizes (npm run cost -- --write)", () => {
    expect(readme()).toBe(costSection(stages));
  });

  it("prices prod's Multi-AZ database twice, and staging's single instance once", () => {
    const prod = estimateStage(stages.find((stage) => stage.stage === "prod")!.templates);
    const staging = estimateStage(stages.find((stage) => stage.stage === "staging")!.templates);
    expect(line(prod, /^RDS db\.t4g\.small, Multi-AZ/).idle).toBeCloseTo(PRICES.rdsInstanceHour["db.t4g.small"]!.multiAz * HOURS_PER_MONTH);
    expect(line(prod, /^RDS storage/).idle).toBeCloseTo(2 * 20 * PRICES.rdsGp3GbMonth);
    expect(line(staging, /^RDS db\.t4g\.micro, Single-AZ/).idle).toBeCloseTo(PRICES.rdsInstanceHour["db.t4g.micro"]!.singleAz * HOURS_PER_MONTH);
    expect(line(staging, /interface endpoint, 2 AZs/).idle).toBeCloseTo(2 * PRICES.interfaceEndpointAzHour * HOURS_PER_MONTH);
  });

  it("costs a local stage nothing idle: it has no database, alarms or user pool", () => {
    const local = estimateStage(stages.find((stage) => stage.stage === "local")!.templates);
    expect(idle(local)).toBe(0);
    expect(line(local, /^Lambda, 1024 MB/).perMillion).toBeCloseTo(PRICES.lambdaMillionRequests + 0.02 * 1e6 * PRICES.lambdaArmGbSecond);
  });
});

describe("estimateStage", () => {
  const api = { Type: "AWS::Lambda::Function", Properties: { Handler: "packages/functions/src/api.handler", MemorySize: 512 } };
  const template = (resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>): CfnTemplate => ({ Resources: { api, ...resources } });

  it("bills each metric a metric-math alarm reads, and composite alarms apart", () => {
    const lines = estimateStage([
      template({
        plain: { Type: "AWS::CloudWatch::Alarm", Properties: { MetricName: "Errors" } },
        math: { Type: "AWS::CloudWatch::Alarm", Properties: { Metrics: [{ MetricStat: {} }, { MetricStat: {} }, { Expression: "m1/m2" }] } },
        both: { Type: "AWS::CloudWatch::CompositeAlarm", Properties: {} },
      }),
    ]);
    const alarms = line(lines, /alarms/);
    expect(alarms.item).toBe("CloudWatch alarms: 2 alarms reading 3 metrics, 1 composite");
    expect(alarms.idle).toBeCloseTo(3 * PRICES.alarmMetricMonth + PRICES.compositeAlarmMonth);
  });

  it("prices a canary by its schedule, and refuses one it cannot count", () => {
    const canary = (Expression: string) => template({ probe: { Type: "AWS::Synthetics::Canary", Properties: { Schedule: { Expression } } } });
    expect(line(estimateStage([canary("rate(1 minute)")]), /canary/).idle).toBeCloseTo(43_800 * PRICES.canaryRun);
    expect(line(estimateStage([canary("rate(5 minutes)")]), /canary/).idle).toBeCloseTo(8_760 * PRICES.canaryRun);
    expect(() => estimateStage([canary("cron(0 * * * ? *)")])).toThrow(/only rate/);
  });

  it("refuses to guess the price of an instance class or a storage type it does not know", () => {
    const instance = (DBInstanceClass: string, StorageType = "gp3") =>
      template({ db: { Type: "AWS::RDS::DBInstance", Properties: { DBInstanceClass, StorageType, AllocatedStorage: "20", MultiAZ: false } } });
    expect(() => estimateStage([instance("db.r8g.48xlarge")])).toThrow("No price for db.r8g.48xlarge: add it to stacks/cost/prices.ts");
    expect(() => estimateStage([instance("db.t4g.micro", "io2")])).toThrow(/No price for io2 storage/);
  });

  it("counts the machine clients Cognito bills, not the page's", () => {
    const lines = estimateStage([
      template({
        page: { Type: "AWS::Cognito::UserPoolClient", Properties: { AllowedOAuthFlows: ["code"] } },
        machine: { Type: "AWS::Cognito::UserPoolClient", Properties: { AllowedOAuthFlows: ["client_credentials"] } },
        pool: { Type: "AWS::Cognito::UserPool", Properties: { UserPoolTier: "ESSENTIALS" } },
      }),
    ]);
    expect(line(lines, /Cognito/)).toMatchObject({ item: "Cognito: 1 machine client, users free (Essentials, 10,000 a month)", idle: PRICES.cognitoM2mClientMonth });
  });
});
