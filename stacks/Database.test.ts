import { join } from "node:path";
import { Match, type Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, migrationsVersion } from "./migrations";
import { synthesized, type Synthesized } from "./testing";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
type Resource = { Type: string; Properties: any; DeletionPolicy?: string; UpdateReplacePolicy?: string };

const stages: Record<string, Synthesized> = {};
beforeAll(async () => {
  for (const stage of ["staging", "prod"]) stages[stage] = await synthesized(stage);
});
const database = (stage: string) => stages[stage]!.template("Database");

function only(template: Template, type: string): Resource {
  const resources = Object.values(template.findResources(type)) as Resource[];
  expect(resources).toHaveLength(1);
  return resources[0]!;
}

/** "ProxySecurityGroup6DC814C1" -> "Proxy" */
function groupName(reference: { "Fn::GetAtt"?: [string, string] }): string {
  const logicalId = reference["Fn::GetAtt"]?.[0] ?? "";
  return logicalId.replace(/SecurityGroup[0-9A-F]{8}$/, "");
}

const isolatedSubnets = [
  { "Fn::ImportValue": Match.stringLikeRegexp("Network:ExportsOutputRefVpcisolatedSubnet1") },
  { "Fn::ImportValue": Match.stringLikeRegexp("Network:ExportsOutputRefVpcisolatedSubnet2") },
];

describe("the prod database", () => {
  it("is PostgreSQL 16, encrypted, Multi-AZ, protected from deletion, snapshotted on removal, backed up for 30 days", () => {
    const instance = only(database("prod"), "AWS::RDS::DBInstance");
    expect(instance.Properties).toMatchObject({
      Engine: "postgres",
      EngineVersion: "16",
      StorageEncrypted: true,
      MultiAZ: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 30,
      PubliclyAccessible: false,
      DBInstanceClass: "db.t4g.small",
    });
    expect(instance.DeletionPolicy).toBe("Snapshot");
    expect(instance.UpdateReplacePolicy).toBe("Snapshot");
  });

  it("has Performance Insights and exports its logs to log groups the stack owns", () => {
    const instance = only(database("prod"), "AWS::RDS::DBInstance");
    expect(instance.Properties.EnablePerformanceInsights).toBe(true);
    expect(instance.Properties.EnableCloudwatchLogsExports).toEqual(["postgresql", "upgrade"]);
    for (const log of ["postgresql", "upgrade"]) {
      database("prod").hasResourceProperties("AWS::Logs::LogGroup", {
        LogGroupName: `/aws/rds/instance/${instance.Properties.DBInstanceIdentifier}/${log}`,
        RetentionInDays: 90,
      });
    }
  });

  it("forces TLS through its parameter group", () => {
    const instance = only(database("prod"), "AWS::RDS::DBInstance");
    const [groupId] = Object.keys(database("prod").findResources("AWS::RDS::DBParameterGroup"));
    expect(instance.Properties.DBParameterGroupName).toEqual({ Ref: groupId });
    database("prod").hasResourceProperties("AWS::RDS::DBParameterGroup", {
      Family: "postgres16",
      Parameters: Match.objectLike({ "rds.force_ssl": "1" }),
    });
  });

  it("lives in the isolated subnets", () => {
    database("prod").hasResourceProperties("AWS::RDS::DBSubnetGroup", { SubnetIds: isolatedSubnets });
  });

  it("takes a generated master password from Secrets Manager and rotates it and the application role's every 30 days", () => {
    const instance = only(database("prod"), "AWS::RDS::DBInstance");
    expect(JSON.stringify(instance.Properties.MasterUserPassword)).toMatch(/\{\{resolve:secretsmanager:.*:SecretString:password::\}\}/);
    database("prod").hasResourceProperties("AWS::SecretsManager::Secret", {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"data_api_admin"}', GenerateStringKey: "password" }),
    });
    database("prod").hasResourceProperties("AWS::SecretsManager::Secret", {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"data_api"}', GenerateStringKey: "password" }),
    });
    const schedules = Object.values(database("prod").findResources("AWS::SecretsManager::RotationSchedule")) as Resource[];
    expect(schedules.map((schedule) => schedule.Properties.RotationRules.ScheduleExpression)).toEqual(["rate(30 days)", "rate(30 days)"]);
  });

  it("reaches Secrets Manager for rotation through a private interface endpoint", () => {
    database("prod").hasResourceProperties("AWS::EC2::VPCEndpoint", {
      ServiceName: "com.amazonaws.eu-west-1.secretsmanager",
      VpcEndpointType: "Interface",
      PrivateDnsEnabled: true,
      SubnetIds: isolatedSubnets,
    });
  });
});

describe("the prod proxy", () => {
  it("requires TLS and IAM authentication for the master and the application role", () => {
    const proxy = only(database("prod"), "AWS::RDS::DBProxy");
    expect(proxy.Properties).toMatchObject({ EngineFamily: "POSTGRESQL", RequireTLS: true, DBProxyName: "prod-data-api-proxy" });
    expect(proxy.Properties.Auth).toHaveLength(2);
    for (const auth of proxy.Properties.Auth) expect(auth).toMatchObject({ AuthScheme: "SECRETS", IAMAuth: "REQUIRED" });
    expect(proxy.Properties.VpcSubnetIds).toEqual([
      { "Fn::ImportValue": expect.stringMatching(/isolatedSubnet1/) },
      { "Fn::ImportValue": expect.stringMatching(/isolatedSubnet2/) },
    ]);
  });
});

describe("the prod security groups", () => {
  it("chain clients -> proxy:5432 -> database:5432, with secret rotation and migrations beside, and nothing else", () => {
    const rules = (Object.values(database("prod").findResources("AWS::EC2::SecurityGroupIngress")) as Resource[]).map(({ Properties: rule }) => {
      expect(rule.CidrIp).toBeUndefined();
      const port = typeof rule.FromPort === "number" ? rule.FromPort : rule.FromPort["Fn::GetAtt"].join(".");
      return `${groupName(rule.SourceSecurityGroupId)} -> ${groupName(rule.GroupId)}:${port}`;
    });
    expect(rules.sort()).toEqual([
      "Client -> Proxy:5432",
      "Migration -> Endpoint:443",
      "Migration -> Proxy:5432",
      // CDK writes the proxy's and the rotations' rules with the instance's port attribute, 5432.
      expect.stringMatching(/^Proxy -> Database:InstanceC[0-9A-F]+\.Endpoint\.Port$/),
      expect.stringMatching(/^Rotation -> Database:InstanceC[0-9A-F]+\.Endpoint\.Port$/),
      "Rotation -> Endpoint:443",
    ]);
  });

  it("let nothing out but those connections", () => {
    for (const group of Object.values(database("prod").findResources("AWS::EC2::SecurityGroup")) as Resource[]) {
      for (const egress of group.Properties.SecurityGroupEgress ?? []) expect(egress.CidrIp).toBe("255.255.255.255/32");
    }
    for (const { Properties: egress } of Object.values(database("prod").findResources("AWS::EC2::SecurityGroupEgress")) as Resource[]) {
      expect(egress.CidrIp).toBeUndefined();
      expect(egress.DestinationSecurityGroupId).toBeDefined();
    }
  });
});

describe("the prod migrations", () => {
  const migrationFunction = () => {
    const functions = database("prod").findResources("AWS::Lambda::Function", {
      Properties: { Handler: "packages/functions/src/migrate.handler" },
    });
    const [logicalId] = Object.keys(functions);
    return { logicalId: logicalId!, fn: functions[logicalId!] as Resource };
  };

  it("run in a function in the VPC that connects to the proxy as the master with IAM, holding no secret", () => {
    const { fn } = migrationFunction();
    expect(fn.Properties.Runtime).toBe("nodejs22.x");
    expect(fn.Properties.Architectures).toEqual(["arm64"]);
    expect(fn.Properties.VpcConfig).toEqual({
      SubnetIds: isolatedSubnets.map(() => ({ "Fn::ImportValue": expect.stringMatching(/isolatedSubnet/) })),
      SecurityGroupIds: [{ "Fn::GetAtt": [expect.stringMatching(/^MigrationSecurityGroup/), "GroupId"] }],
    });
    expect(fn.Properties.Environment.Variables).toMatchObject({
      DB_HOST: { "Fn::GetAtt": [expect.stringMatching(/^Proxy/), "Endpoint"] },
      DB_USER: "data_api_admin",
      DB_IAM_AUTH: "true",
      MIGRATIONS_DIR: "drizzle",
      APP_ROLE_SECRET_ARN: { Ref: expect.stringMatching(/^AppRoleSecretAttachment/) },
    });
    expect(JSON.stringify(fn.Properties.Environment)).not.toMatch(/resolve:secretsmanager|PASSWORD/i);
  });

  it("may connect as the master only and read only the application role's secret", () => {
    const { logicalId } = migrationFunction();
    const [policy] = Object.values(
      database("prod").findResources("AWS::IAM::Policy", { Properties: { PolicyName: Match.stringLikeRegexp("^MigrationFunction") } }),
    ) as Resource[];
    expect(logicalId).toMatch(/^MigrationFunction/);
    const statements = policy!.Properties.PolicyDocument.Statement;
    expect(statements.map((statement: { Action: unknown }) => statement.Action)).toEqual([
      "rds-db:connect",
      ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
    ]);
    expect(JSON.stringify(statements[0].Resource)).toMatch(/dbuser:.*\/data_api_admin"\]\]\}$/);
    expect(statements[1].Resource).toEqual({ Ref: expect.stringMatching(/^AppRoleSecretAttachment/) });
  });

  it("run from SST's Script, again exactly when drizzle/ changes or the application secret is replaced", () => {
    const { logicalId } = migrationFunction();
    const script = only(database("prod"), "Custom::SSTScript");
    expect(script.Properties).toMatchObject({
      UserCreateFunction: { Ref: logicalId },
      UserUpdateFunction: { Ref: logicalId },
      Version: { "Fn::Join": ["", [`${migrationsVersion(MIGRATIONS_DIR)}:`, { Ref: expect.stringMatching(/^AppRoleSecretAttachment/) }]] },
    });
    // A replaced secret has a new ARN: the Ref resolves to it at deploy time, so the version changes with it.
    expect(only(database("staging"), "Custom::SSTScript").Properties.Version).toEqual(script.Properties.Version);
  });

  describe("on a first deploy", () => {
    const resources = () => database("prod").toJSON().Resources as Record<string, Resource & { DependsOn?: string[] }>;
    const idOf = (type: string) => Object.keys(database("prod").findResources(type));
    const scriptId = () => idOf("Custom::SSTScript")[0]!;

    it("wait for the proxy's target group, which registers the instance, not only for its endpoint", () => {
      const [targetGroup] = idOf("AWS::RDS::DBProxyTargetGroup");
      expect(targetGroup).toBeDefined();
      expect(resources()[scriptId()]!.DependsOn).toEqual(expect.arrayContaining([targetGroup, idOf("AWS::RDS::DBProxy")[0]]));
    });

    it("come before either secret rotates, and the application role's secret does not rotate on creation", () => {
      const schedules = Object.entries(database("prod").findResources("AWS::SecretsManager::RotationSchedule")) as [string, Resource & { DependsOn?: string[] }][];
      expect(schedules).toHaveLength(2);
      for (const [, schedule] of schedules) expect(schedule.DependsOn).toContain(scriptId());
      const app = schedules.find(([id]) => id.startsWith("AppRoleSecretAttachment"))!;
      expect(app[1].Properties.RotateImmediatelyOnUpdate).toBe(false);
    });
  });

  it("ship drizzle/ inside the function bundle", () => {
    const bundle = stages.prod!.bundles["Database/MigrationFunction"]!;
    expect(migrationsVersion(join(bundle, "drizzle"))).toBe(migrationsVersion(MIGRATIONS_DIR));
  });
});

describe("the staging database", () => {
  it("is single-AZ, unprotected, removed with the stage and backed up for 7 days", () => {
    const instance = only(database("staging"), "AWS::RDS::DBInstance");
    expect(instance.Properties).toMatchObject({
      MultiAZ: false,
      DeletionProtection: false,
      BackupRetentionPeriod: 7,
      StorageEncrypted: true,
      DBInstanceClass: "db.t4g.micro",
    });
    expect(instance.DeletionPolicy).toBe("Delete");
  });
});
