import { createHash } from "node:crypto";
import { WRITE_SCOPE } from "@data-api/core/access";
import { Duration, Stack, Token } from "aws-cdk-lib";
import * as cognito from "aws-cdk-lib/aws-cognito";
import { NagSuppressions } from "cdk-nag";
import type { StackContext } from "sst/constructs";
import { useStageConfig, type StageConfig } from "./config";
import { DEFAULT_AUTH_SCOPE } from "../packages/web/src/config";
import { KEEP } from "./removal";

type CognitoIdentity = Extract<NonNullable<StageConfig["identity"]>, { kind: "cognito" }>;
type ExternalIdentity = Extract<NonNullable<StageConfig["identity"]>, { kind: "external" }>;

/** What the page asks the issuer for: an ID token, and an access token that may write. */

/** What the API's authorizer and the page need to know of the stage's identity, whoever provides it. */
export interface StageIdentity {
  /** The `iss` of the tokens, whose discovery document gives the keys. */
  issuer: string;
  /** API Gateway accepts a token whose `aud`, or else `client_id`, is one of these. */
  audiences: string[];
  /** The page's public client: absent where the page cannot sign in. */
  page?: { clientId: string; scope: string };
  /** Origins the page's scripts talk to when signing in (discovery, token, user info): its CSP's connect-src. */
  connectOrigins: string[];
}

/**
 * The stage's Cognito hosted sign-in domain prefix: `<app>-<stage>-<8 hex digits>`. Prefixes are global to a
 * region, across every AWS account, so a plain `<app>-<stage>` would collide with anyone else's copy of this
 * project; the digits are a hash of the account and region, stable across deploys, that does not show the account id.
 */
export function hostedDomainPrefix(app: string, stage: string, account: string, region: string): string {
  if (Token.isUnresolved(account) || Token.isUnresolved(region)) {
    throw new Error("The Auth stack needs a concrete account and region to name its sign-in domain (sst deploy resolves both)");
  }
  const suffix = createHash("sha256").update(`${account}/${region}/${app}/${stage}`).digest("hex").slice(0, 8);
  const prefix = `${app}-${stage}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").slice(0, 54).replace(/^-+|-+$/g, "");
  const name = `${prefix}-${suffix}`;
  // Cognito's rule for prefix domains.
  if (/aws|amazon|cognito/.test(name)) throw new Error(`Cognito refuses the domain prefix "${name}": it may not contain aws, amazon or cognito`);
  return name;
}

/** The stage's identity from DATA_API_JWT_ISSUER and DATA_API_JWT_AUDIENCE: nothing to create, only to trust. */
export function externalIdentity(identity: ExternalIdentity): StageIdentity {
  return {
    issuer: identity.issuer,
    audiences: identity.audiences,
    page: identity.pageClientId ? { clientId: identity.pageClientId, scope: DEFAULT_AUTH_SCOPE } : undefined,
    connectOrigins: [new URL(identity.issuer).origin],
  };
}

const THREAT_PROTECTION: Record<CognitoIdentity["threatProtection"], Pick<cognito.UserPoolProps, "featurePlan" | "standardThreatProtectionMode">> = {
  off: { featurePlan: cognito.FeaturePlan.ESSENTIALS, standardThreatProtectionMode: cognito.StandardThreatProtectionMode.NO_ENFORCEMENT },
  audit: { featurePlan: cognito.FeaturePlan.PLUS, standardThreatProtectionMode: cognito.StandardThreatProtectionMode.AUDIT_ONLY },
  enforced: { featurePlan: cognito.FeaturePlan.PLUS, standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION },
};

/**
 * The stage's own identity where no external issuer is configured: a Cognito user pool whose users an
 * administrator invites (no self sign-up), with optional TOTP MFA, threat protection as the stage says, a hosted
 * sign-in domain, the resource server `data` with its scope `write`, a public client for the page (authorization
 * code with PKCE, no secret) and a confidential client for machines (client credentials, CI's smoke test among them).
 * Its own stack, like the database: it holds people's accounts, and the Api stack is replaced and rolled back far
 * more often.
 */
export function Auth({ stack, app }: StackContext) {
  const config = useStageConfig(app);
  const identity = config.identity;
  if (identity?.kind !== "cognito") throw new Error(`Stage "${app.stage}" has no Cognito identity: the Auth stack should not be built`);
  const { region, account } = Stack.of(stack);
  const [webUrl] = identity.pageUrls;

  const pool = new cognito.UserPool(stack, "Users", {
    userPoolName: `${app.stage}-${app.name}`,
    selfSignUpEnabled: false,
    signInAliases: { email: true },
    signInCaseSensitive: false,
    autoVerify: { email: true },
    // A changed address counts only once its owner confirms it: until then the old one still signs in.
    keepOriginal: { email: true },
    standardAttributes: { email: { required: true, mutable: true } },
    userInvitation: {
      emailSubject: `Your ${app.name} (${app.stage}) sign-in`,
      emailBody:
        `You have been invited to ${webUrl}. Sign in there with the user name {username} and the temporary ` +
        "password {####}, then choose your own password.",
    },
    mfa: cognito.Mfa.OPTIONAL,
    // An authenticator app; SMS would need a role that may send text messages anywhere, and costs per message.
    mfaSecondFactor: { otp: true, sms: false },
    passwordPolicy: {
      minLength: 14,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
      passwordHistorySize: 5,
    },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    ...THREAT_PROTECTION[identity.threatProtection],
    deletionProtection: config.removal === KEEP,
    removalPolicy: config.removal,
  });

  if (identity.threatProtection === "enforced") {
    // What "enforced" does, stated rather than left to Cognito's defaults: a password seen in a breach is refused;
    // a medium-risk sign-in asks for the second factor of a user who has one, a high-risk one requires it.
    new cognito.CfnUserPoolRiskConfigurationAttachment(stack, "RiskResponses", {
      userPoolId: pool.userPoolId,
      clientId: "ALL",
      compromisedCredentialsRiskConfiguration: { actions: { eventAction: "BLOCK" }, eventFilter: ["SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP"] },
      accountTakeoverRiskConfiguration: {
        actions: {
          lowAction: { eventAction: "NO_ACTION", notify: false },
          mediumAction: { eventAction: "MFA_IF_CONFIGURED", notify: false },
          highAction: { eventAction: "MFA_REQUIRED", notify: false },
        },
      },
    });
  }

  const write = new cognito.ResourceServerScope({ scopeName: WRITE_SCOPE.scope, scopeDescription: "Add and delete records" });
  const server = pool.addResourceServer("Data", { identifier: WRITE_SCOPE.resourceServer, userPoolResourceServerName: "data-api", scopes: [write] });
  const writeScope = cognito.OAuthScope.resourceServer(server, write);

  const domainPrefix = hostedDomainPrefix(app.name, app.stage, account, region);
  pool.addDomain("HostedDomain", { cognitoDomain: { domainPrefix } });
  const domainUrl = `https://${domainPrefix}.auth.${region}.amazoncognito.com`;

  // Only the hosted sign-in signs users in (no password ever reaches the page), and refresh tokens renew a session.
  const hostedOnly = { userSrp: false };
  const pageClient = pool.addClient("PageClient", {
    userPoolClientName: "page",
    generateSecret: false,
    authFlows: hostedOnly,
    oAuth: {
      flows: { authorizationCodeGrant: true },
      scopes: [cognito.OAuthScope.OPENID, writeScope],
      callbackUrls: identity.pageUrls,
      logoutUrls: identity.pageUrls,
    },
    supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
    accessTokenValidity: Duration.hours(1),
    idTokenValidity: Duration.hours(1),
    // The page keeps tokens in memory only: a session outlives a reload only through the hosted sign-in's cookie.
    refreshTokenValidity: Duration.hours(12),
  });
  const machineClient = pool.addClient("MachineClient", {
    userPoolClientName: "machine",
    generateSecret: true,
    authFlows: hostedOnly,
    oAuth: { flows: { clientCredentials: true }, scopes: [writeScope] },
    supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
    accessTokenValidity: Duration.hours(1),
  });

  NagSuppressions.addResourceSuppressions(pool, [
    {
      id: "AwsSolutions-COG2",
      reason: "MFA is optional by decision: users are invited by an administrator and may add an authenticator app; machines use client credentials.",
    },
    ...(identity.threatProtection === "enforced"
      ? []
      : [
          {
            id: "AwsSolutions-COG3",
            reason: `Threat protection is ${identity.threatProtection} on ${app.stage} (stacks/config.ts): the Plus plan bills every active user, for a stage of test data.`,
          },
        ]),
  ]);

  const issuer = `https://cognito-idp.${region}.amazonaws.com/${pool.userPoolId}`;
  stack.addOutputs({
    UserPoolId: pool.userPoolId,
    PageClientId: pageClient.userPoolClientId,
    MachineClientId: machineClient.userPoolClientId,
    AuthDomainUrl: domainUrl,
  });
  const stageIdentity: StageIdentity = {
    issuer,
    // Cognito's access tokens carry no `aud`: API Gateway then compares their `client_id` with these.
    audiences: [pageClient.userPoolClientId, machineClient.userPoolClientId],
    page: { clientId: pageClient.userPoolClientId, scope: DEFAULT_AUTH_SCOPE },
    // Discovery and keys on cognito-idp; token, user info and revocation on the hosted domain.
    connectOrigins: [`https://cognito-idp.${region}.amazonaws.com`, domainUrl],
  };
  return { identity: stageIdentity, pool, pageClient, machineClient, domainUrl };
}
