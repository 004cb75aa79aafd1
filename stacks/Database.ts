import { APP_ROLE, databaseEnv } from "@data-api/core/db";
import { Duration } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as logs from "aws-cdk-lib/aws-logs";
import * as rds from "aws-cdk-lib/aws-rds";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { NagSuppressions } from "cdk-nag";
import { Function, Script, use, type StackContext } from "sst/constructs";
import { migrationEnv } from "../packages/functions/src/migration-settings";
import { Alerts } from "./Alerts";
import { useStageConfig } from "./config";
import { migrationsVersion, MIGRATIONS_DIR } from "./migrations";
import { databaseAlarms } from "./monitoring/alarms";
import { Network } from "./Network";

const DATABASE_NAME = "data_api";
const ADMIN_USER = "data_api_admin";
const POSTGRES = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });
const LOG_EXPORTS = ["postgresql", "upgrade"];
const ROTATION_PERIOD = Duration.days(30);
/** PostgreSQL's port, the instance's and the proxy's. */
const PORT = 5432;

/** A security group that allows no traffic until a rule below says so. */
function closedGroup(stack: StackContext["stack"], id: string, vpc: ec2.IVpc, description: string) {
  return new ec2.SecurityGroup(stack, id, { vpc, description, allowAllOutbound: false });
}

/**
 * PostgreSQL 16 in the isolated subnets behind RDS Proxy. Traffic flows clients -> proxy:5432 -> database:5432;
 * the secret rotations and the migration function also reach Secrets Manager through an interface endpoint.
 */
export function Database({ stack, app }: StackContext) {
  const config = useStageConfig(app);
  const settings = config.database;
  if (!settings) throw new Error(`Stage "${app.stage}" has no database settings`);
  const { vpc, isolatedSubnets } = use(Network);

  const clients = closedGroup(stack, "ClientSecurityGroup", vpc, "Functions that query the database through the proxy");
  const proxyGroup = closedGroup(stack, "ProxySecurityGroup", vpc, "RDS Proxy");
  const databaseGroup = closedGroup(stack, "DatabaseSecurityGroup", vpc, "RDS PostgreSQL instance");
  const rotationGroup = closedGroup(stack, "RotationSecurityGroup", vpc, "Secret rotation functions");
  const migrationGroup = closedGroup(stack, "MigrationSecurityGroup", vpc, "Migration function");
  const endpointGroup = closedGroup(stack, "EndpointSecurityGroup", vpc, "Secrets Manager interface endpoint");
  const postgres = ec2.Port.tcp(PORT);
  const https = ec2.Port.tcp(443);
  // The proxy -> database and rotation -> database rules come with the proxy and the rotations below.
  clients.connections.allowTo(proxyGroup, postgres, "Query through the proxy");
  migrationGroup.connections.allowTo(proxyGroup, postgres, "Migrate through the proxy");
  rotationGroup.connections.allowTo(endpointGroup, https, "Rotation reads and writes secrets");
  migrationGroup.connections.allowTo(endpointGroup, https, "Migration reads the application role's secret");

  new ec2.InterfaceVpcEndpoint(stack, "SecretsManagerEndpoint", {
    vpc,
    service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    subnets: isolatedSubnets,
    securityGroups: [endpointGroup],
    open: false,
  });

  // A fixed identifier lets the stack own the exported log groups (created before the instance, with our
  // retention) and turns an accidental instance replacement into a failed deploy instead of a new, empty database.
  const instanceIdentifier = app.logicalPrefixedName("db");
  const logGroups = LOG_EXPORTS.map(
    (log) =>
      new logs.LogGroup(stack, `DatabaseLogs-${log}`, {
        logGroupName: `/aws/rds/instance/${instanceIdentifier}/${log}`,
        retention: config.logRetention,
        removalPolicy: config.removal,
      }),
  );
  const instance = new rds.DatabaseInstance(stack, "Instance", {
    instanceIdentifier,
    engine: POSTGRES,
    instanceType: new ec2.InstanceType(settings.instanceType),
    vpc,
    vpcSubnets: isolatedSubnets,
    securityGroups: [databaseGroup],
    credentials: rds.Credentials.fromGeneratedSecret(ADMIN_USER),
    databaseName: DATABASE_NAME,
    parameterGroup: new rds.ParameterGroup(stack, "Parameters", {
      engine: POSTGRES,
      parameters: { "rds.force_ssl": "1", log_min_duration_statement: "1000" },
    }),
    storageEncrypted: true,
    storageType: rds.StorageType.GP3,
    allocatedStorage: settings.allocatedStorageGiB,
    maxAllocatedStorage: settings.maxAllocatedStorageGiB,
    multiAz: settings.multiAz,
    backupRetention: Duration.days(settings.backupRetentionDays),
    deletionProtection: settings.deletionProtection,
    removalPolicy: settings.removal,
    enablePerformanceInsights: true,
    cloudwatchLogsExports: LOG_EXPORTS,
    autoMinorVersionUpgrade: true,
    copyTagsToSnapshot: true,
  });
  logGroups.forEach((logGroup) => instance.node.addDependency(logGroup));
  NagSuppressions.addResourceSuppressions(instance, [
    { id: "AwsSolutions-RDS11", reason: "RDS Proxy for PostgreSQL reaches its target on 5432, and only the proxy's security group may connect." },
    ...(settings.multiAz
      ? []
      : [{ id: "AwsSolutions-RDS3", reason: "This stage's config trades a standby for cost: it holds no production data." }]),
    ...(settings.deletionProtection
      ? []
      : [{ id: "AwsSolutions-RDS10", reason: "This stage's config makes the database removable with the stage: it holds no production data." }]),
  ]);
  instance.addRotationSingleUser({ automaticallyAfter: ROTATION_PERIOD, securityGroup: rotationGroup, vpcSubnets: isolatedSubnets });

  const appSecret = new rds.DatabaseSecret(stack, "AppRoleSecret", { username: APP_ROLE }).attach(instance);
  new secretsmanager.SecretRotation(stack, "AppRoleRotation", {
    application: secretsmanager.SecretRotationApplication.POSTGRES_ROTATION_SINGLE_USER,
    secret: appSecret,
    target: instance,
    vpc,
    vpcSubnets: isolatedSubnets,
    securityGroup: rotationGroup,
    automaticallyAfter: ROTATION_PERIOD,
    // Rotating on creation (CloudFormation's default) would log in as a role the migrations have not created yet,
    // fail, and leave an AWSPENDING version behind; its first rotation comes after the migrations, on schedule.
    rotateImmediatelyOnUpdate: false,
  });

  const proxy = new rds.DatabaseProxy(stack, "Proxy", {
    // Proxy names are unique per account and region, which several stages may share.
    dbProxyName: app.logicalPrefixedName("proxy"),
    proxyTarget: rds.ProxyTarget.fromInstance(instance),
    secrets: [instance.secret!, appSecret],
    vpc,
    vpcSubnets: isolatedSubnets,
    securityGroups: [proxyGroup],
    requireTLS: true,
    iamAuth: true,
  });

  const migrator = new Function(stack, "MigrationFunction", {
    handler: "packages/functions/src/migrate.handler",
    memorySize: 512,
    timeout: 300,
    // The Script invokes it during the deploy, where a live (local) function cannot answer.
    enableLiveDev: false,
    // Beside the handler, under the same name.
    copyFiles: [{ from: MIGRATIONS_DIR, to: MIGRATIONS_DIR }],
    environment: {
      // A failed migration fails the deploy with Lambda's own report of the error: Node maps its stack.
      NODE_OPTIONS: "--enable-source-maps",
      ...databaseEnv({ proxy: { host: proxy.endpoint, port: PORT, database: DATABASE_NAME, user: ADMIN_USER }, poolMax: 1 }),
      ...migrationEnv({ migrationsDir: MIGRATIONS_DIR, appRoleSecretArn: appSecret.secretArn }),
    },
    logGroup: new logs.LogGroup(stack, "MigrationLogs", { retention: config.logRetention, removalPolicy: config.removal }),
    vpc,
    vpcSubnets: isolatedSubnets,
    securityGroups: [migrationGroup],
  });
  proxy.grantConnect(migrator, ADMIN_USER);
  appSecret.grantRead(migrator);
  const migrations = new Script(stack, "Migrations", {
    onCreate: migrator,
    onUpdate: migrator,
    // Follows the content of drizzle/, so an unchanged schema leaves the template (and the database) alone, and
    // the application secret: a replaced secret (a new ARN) has a new password the role must be given.
    version: `${migrationsVersion(MIGRATIONS_DIR)}:${appSecret.secretArn}`,
  });
  // The proxy's endpoint exists before it has a target: wait for the target group that registers the instance.
  migrations.node.addDependency(proxy);
  // Neither secret changes while the migrations log in through the proxy and give the role its password. CDK puts
  // a rotation's schedule under the secret it rotates (SecretRotation calls secret.addRotationSchedule).
  for (const secret of [instance.secret!, appSecret]) secret.node.findChild("RotationSchedule").node.addDependency(migrations);

  const alarms = config.monitoring && databaseAlarms(stack, { app, topic: use(Alerts).topic, thresholds: config.monitoring }, { instance, proxy });

  return {
    instance,
    proxy,
    alarms,
    /** Where the API connects, as which role (whose rds-db:connect it must be granted). */
    connection: { host: proxy.endpoint, port: PORT, database: DATABASE_NAME, user: APP_ROLE },
    /** Function props that put a function where it can reach the proxy. */
    clientPlacement: { vpc, vpcSubnets: isolatedSubnets, securityGroups: [clients] },
    migrations,
  };
}
