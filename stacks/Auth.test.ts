import { WRITE_SCOPE } from "@data-api/core/access";
import { beforeAll, describe, expect, it } from "vitest";
import { externalIdentity, hostedDomainPrefix } from "./Auth";
import { synthesized, type Synthesized } from "./testing";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON
type Resource = { Type: string; Properties: any; DeletionPolicy?: string };

const EXPECTED = {
  staging: { web: "https://staging.example.com/", plan: "ESSENTIALS", threatProtection: "OFF", deletionProtection: "INACTIVE", deletion: "Delete" },
  prod: { web: "https://example.com/", plan: "PLUS", threatProtection: "ENFORCED", deletionProtection: "ACTIVE", deletion: "RetainExceptOnCreate" },
} as const;

const stages: Record<string, Synthesized> = {};
beforeAll(async () => {
  for (const stage of ["local", "staging", "prod"]) stages[stage] = await synthesized(stage);
});
const auth = (stage: string) => stages[stage]!.template("Auth");

function only(stage: string, type: string, props?: object): [string, Resource] {
  const found = Object.entries(auth(stage).findResources(type, props)) as [string, Resource][];
  expect(found, `${type} in ${stage}`).toHaveLength(1);
  return found[0]!;
}
const client = (stage: string, name: string) => only(stage, "AWS::Cognito::UserPoolClient", { Properties: { ClientName: name } });
const scopeRef = (stage: string) => ({ "Fn::Join": ["", [{ Ref: only(stage, "AWS::Cognito::UserPoolResourceServer")[0] }, `/${WRITE_SCOPE.scope}`]] });

describe.each(Object.entries(EXPECTED))("the %s user pool", (stage, expected) => {
  it("lets only an administrator create users, who sign in with their e-mail address", () => {
    const [, pool] = only(stage, "AWS::Cognito::UserPool");
    expect(pool.Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(pool.Properties.AdminCreateUserConfig.InviteMessageTemplate.EmailMessage).toContain(expected.web);
    expect(pool.Properties.UsernameAttributes).toEqual(["email"]);
    expect(pool.Properties.UsernameConfiguration).toEqual({ CaseSensitive: false });
    expect(pool.Properties.AccountRecoverySetting).toEqual({ RecoveryMechanisms: [{ Name: "verified_email", Priority: 1 }] });
  });

  it("asks for a strong password: 14 characters of all four kinds, not one of the last five", () => {
    const [, pool] = only(stage, "AWS::Cognito::UserPool");
    expect(pool.Properties.Policies.PasswordPolicy).toEqual({
      MinimumLength: 14,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: 3,
      PasswordHistorySize: 5,
    });
  });

  it("offers MFA with an authenticator app, optional", () => {
    const [, pool] = only(stage, "AWS::Cognito::UserPool");
    expect(pool.Properties.MfaConfiguration).toBe("OPTIONAL");
    expect(pool.Properties.EnabledMfas).toEqual(["SOFTWARE_TOKEN_MFA"]);
    expect(pool.Properties.SmsConfiguration).toBeUndefined();
  });

  it(`has threat protection ${expected.threatProtection} on the ${expected.plan} plan, as the stage says`, () => {
    const [, pool] = only(stage, "AWS::Cognito::UserPool");
    expect(pool.Properties.UserPoolTier).toBe(expected.plan);
    expect(pool.Properties.UserPoolAddOns).toEqual({ AdvancedSecurityMode: expected.threatProtection });
  });

  it("is kept, and protected from deletion, where the stage keeps what it removes", () => {
    const [, pool] = only(stage, "AWS::Cognito::UserPool");
    expect(pool.Properties.DeletionProtection).toBe(expected.deletionProtection);
    expect(pool.DeletionPolicy).toBe(expected.deletion);
  });

  it("carries the stage's tags, which the deploy role's smoke-test grant is held to", () => {
    const [, pool] = only(stage, "AWS::Cognito::UserPool");
    expect(pool.Properties.UserPoolTags).toEqual({ "sst:app": "data-api", "sst:stage": stage });
  });

  it(`defines the resource server "${WRITE_SCOPE.resourceServer}" with the scope "${WRITE_SCOPE.scope}"`, () => {
    const [, server] = only(stage, "AWS::Cognito::UserPoolResourceServer");
    expect(server.Properties).toMatchObject({ Identifier: WRITE_SCOPE.resourceServer, Scopes: [expect.objectContaining({ ScopeName: WRITE_SCOPE.scope })] });
  });

  it("gives the page a public client: authorization code (with PKCE, the page's part), no secret, back to the page's origin", () => {
    const [, page] = client(stage, "page");
    expect(page.Properties).toMatchObject({
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ["openid", scopeRef(stage)],
      CallbackURLs: [expected.web],
      LogoutURLs: [expected.web],
      GenerateSecret: false,
      ExplicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
      SupportedIdentityProviders: ["COGNITO"],
      PreventUserExistenceErrors: "ENABLED",
      EnableTokenRevocation: true,
    });
  });

  it("gives machines a confidential client: client credentials with the write scope only, and a secret", () => {
    const [, machine] = client(stage, "machine");
    expect(machine.Properties).toMatchObject({
      AllowedOAuthFlows: ["client_credentials"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [scopeRef(stage)],
      GenerateSecret: true,
    });
    expect(machine.Properties.CallbackURLs).toBeUndefined();
  });

  it("signs in on a hosted domain of its own, named after the account and region, and outputs what clients need", () => {
    const [, domain] = only(stage, "AWS::Cognito::UserPoolDomain");
    const prefix = hostedDomainPrefix("data-api", stage, "123456789012", "eu-west-1");
    expect(domain.Properties.Domain).toBe(prefix);
    const outputs = auth(stage).findOutputs("*");
    const [poolId] = only(stage, "AWS::Cognito::UserPool");
    expect(outputs.UserPoolId!.Value).toEqual({ Ref: poolId });
    expect(outputs.PageClientId!.Value).toEqual({ Ref: client(stage, "page")[0] });
    expect(outputs.MachineClientId!.Value).toEqual({ Ref: client(stage, "machine")[0] });
    expect(outputs.AuthDomainUrl!.Value).toBe(`https://${prefix}.auth.eu-west-1.amazoncognito.com`);
  });
});

describe("the prod user pool's threat protection", () => {
  it("refuses leaked passwords and asks for the second factor on risky sign-ins", () => {
    const [, risk] = only("prod", "AWS::Cognito::UserPoolRiskConfigurationAttachment");
    expect(risk.Properties).toMatchObject({
      ClientId: "ALL",
      UserPoolId: { Ref: only("prod", "AWS::Cognito::UserPool")[0] },
      CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: "BLOCK" }, EventFilter: ["SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP"] },
      AccountTakeoverRiskConfiguration: {
        Actions: {
          LowAction: { EventAction: "NO_ACTION", Notify: false },
          MediumAction: { EventAction: "MFA_IF_CONFIGURED", Notify: false },
          HighAction: { EventAction: "MFA_REQUIRED", Notify: false },
        },
      },
    });
    auth("staging").resourceCountIs("AWS::Cognito::UserPoolRiskConfigurationAttachment", 0);
  });
});

describe("the local stage", () => {
  it("has no user pool: nobody signs in where writes are public", () => {
    expect(stages.local!.has("Auth")).toBe(false);
    for (const stack of stages.local!.stacks) expect(JSON.stringify(stack.template)).not.toContain("AWS::Cognito::");
  });
});

describe("hostedDomainPrefix", () => {
  it("differs by account, region and stage, stays the same across deploys, and hides the account id", () => {
    const prefix = hostedDomainPrefix("data-api", "prod", "123456789012", "eu-west-1");
    expect(prefix).toMatch(/^data-api-prod-[0-9a-f]{8}$/);
    expect(hostedDomainPrefix("data-api", "prod", "123456789012", "eu-west-1")).toBe(prefix);
    const others = [
      hostedDomainPrefix("data-api", "prod", "210987654321", "eu-west-1"),
      hostedDomainPrefix("data-api", "prod", "123456789012", "us-east-1"),
      hostedDomainPrefix("data-api", "staging", "123456789012", "eu-west-1"),
    ];
    expect(new Set([prefix, ...others]).size).toBe(4);
    expect(prefix).not.toContain("123456789012");
  });

  it("refuses what Cognito would refuse, and an account it cannot know yet", () => {
    expect(() => hostedDomainPrefix("my-aws-app", "prod", "123456789012", "eu-west-1")).toThrow(/may not contain aws, amazon or cognito/);
    expect(() => hostedDomainPrefix("data-api", "prod", "${Token[AWS.AccountId.1]}", "eu-west-1")).toThrow(/concrete account and region/);
  });
});

describe("externalIdentity", () => {
  it("trusts the issuer for its audiences, and lets the page sign in there only with a client of its own", () => {
    const issuer = "https://login.example.org/tenant/v2.0";
    expect(externalIdentity({ kind: "external", issuer, audiences: ["api"], pageClientId: "page-client" })).toEqual({
      issuer,
      audiences: ["api"],
      page: { clientId: "page-client", scope: "openid data/write" },
      // The page's CSP: discovery and the token endpoint, on the issuer's origin.
      connectOrigins: ["https://login.example.org"],
    });
    expect(externalIdentity({ kind: "external", issuer, audiences: ["api"] }).page).toBeUndefined();
  });
});
