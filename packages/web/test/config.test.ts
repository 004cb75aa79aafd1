import { describe, expect, it } from "vitest";
import { WRITE_SCOPE } from "@data-api/core/access";
import {
  apiBaseUrl,
  authSettings,
  checkBuildEnv,
  DEFAULT_AUTH_SCOPE,
  DEPLOY_TIME_API_URL,
  deployTimeValue,
  pageEnv,
} from "../src/config";

const checkBuildApiUrl = (value: string) => checkBuildEnv({ VITE_API_URL: value });

describe("apiBaseUrl", () => {
  it("means the page's own origin when VITE_API_URL is unset or blank", () => {
    expect(apiBaseUrl(undefined)).toBe("");
    expect(apiBaseUrl("  ")).toBe("");
  });

  it("drops trailing slashes so that paths can be appended", () => {
    expect(apiBaseUrl("https://api.example.com/")).toBe("https://api.example.com");
    expect(apiBaseUrl(" https://example.com/api// ")).toBe("https://example.com/api");
    expect(apiBaseUrl("http://localhost:3000")).toBe("http://localhost:3000");
  });

  it("refuses what cannot be an API base URL, naming the setting", () => {
    expect(() => apiBaseUrl("api.example.com")).toThrow(/VITE_API_URL must be an absolute http\(s\) URL/);
    expect(() => apiBaseUrl("ftp://api.example.com")).toThrow(/VITE_API_URL must use http or https/);
    expect(() => apiBaseUrl("https://api.example.com/?stage=prod")).toThrow(/query or fragment/);
    expect(() => apiBaseUrl("https://api.example.com/#x")).toThrow(/query or fragment/);
  });
});

describe("checkBuildApiUrl", () => {
  it("lets SST's deploy-time placeholder through, which the uploader replaces after the build", () => {
    expect(() => checkBuildApiUrl(DEPLOY_TIME_API_URL)).not.toThrow();
  });

  it("checks every other value as the page will", () => {
    expect(() => checkBuildApiUrl("https://api.example.com")).not.toThrow();
    expect(() => checkBuildApiUrl("{{ OTHER_URL }}")).toThrow(/VITE_API_URL must be an absolute/);
    expect(() => checkBuildApiUrl(" {{ VITE_API_URL }}x")).toThrow(/VITE_API_URL must be an absolute/);
  });

  it("leaves a placeholder that was never replaced to fail the page", () => {
    expect(() => apiBaseUrl(DEPLOY_TIME_API_URL)).toThrow(/VITE_API_URL must be an absolute/);
  });
});

describe("authSettings", () => {
  const issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc";

  it("means a page without sign-in when no issuer is set: a stage whose writes are public", () => {
    expect(authSettings({})).toBeUndefined();
    expect(authSettings({ VITE_AUTH_ISSUER: " ", VITE_AUTH_SCOPE: "openid" })).toBeUndefined();
  });

  it("asks for an ID token and the API's write scope unless told otherwise", () => {
    expect(DEFAULT_AUTH_SCOPE).toBe(`openid ${WRITE_SCOPE.full}`);
    expect(authSettings({ VITE_AUTH_ISSUER: issuer, VITE_AUTH_CLIENT_ID: " page-client " })).toEqual({
      issuer,
      clientId: "page-client",
      scope: "openid data/write",
      insecure: false,
    });
    expect(authSettings({ VITE_AUTH_ISSUER: issuer, VITE_AUTH_CLIENT_ID: "c", VITE_AUTH_SCOPE: " openid  email data/write openid " })?.scope).toBe(
      "openid email data/write",
    );
  });

  it("allows plain http only for a provider on this machine", () => {
    expect(authSettings({ VITE_AUTH_ISSUER: "http://127.0.0.1:4000", VITE_AUTH_CLIENT_ID: "c" })?.insecure).toBe(true);
    expect(authSettings({ VITE_AUTH_ISSUER: "http://localhost:4000/oidc", VITE_AUTH_CLIENT_ID: "c" })?.insecure).toBe(true);
    expect(() => authSettings({ VITE_AUTH_ISSUER: "http://id.example.com", VITE_AUTH_CLIENT_ID: "c" })).toThrow(
      /VITE_AUTH_ISSUER must use https \(plain http only on localhost\)/,
    );
  });

  it("refuses what cannot work, naming the setting", () => {
    expect(() => authSettings({ VITE_AUTH_ISSUER: "cognito-idp.example" })).toThrow(/VITE_AUTH_ISSUER must be an absolute https URL/);
    expect(() => authSettings({ VITE_AUTH_ISSUER: `${issuer}?x=1`, VITE_AUTH_CLIENT_ID: "c" })).toThrow(/query or fragment/);
    expect(() => authSettings({ VITE_AUTH_ISSUER: issuer })).toThrow(/VITE_AUTH_CLIENT_ID is not/);
    expect(() => authSettings({ VITE_AUTH_ISSUER: issuer, VITE_AUTH_CLIENT_ID: "a b" })).toThrow(/must not contain spaces/);
    expect(() => authSettings({ VITE_AUTH_CLIENT_ID: "c" })).toThrow(/VITE_AUTH_ISSUER is not/);
  });

  it("leaves a placeholder that was never replaced to fail the page", () => {
    expect(() =>
      authSettings({ VITE_AUTH_ISSUER: deployTimeValue("VITE_AUTH_ISSUER"), VITE_AUTH_CLIENT_ID: deployTimeValue("VITE_AUTH_CLIENT_ID") }),
    ).toThrow(/VITE_AUTH_ISSUER must be an absolute https URL/);
  });
});

describe("checkBuildEnv", () => {
  const placeholders = {
    VITE_API_URL: "{{ VITE_API_URL }}",
    VITE_AUTH_ISSUER: "{{ VITE_AUTH_ISSUER }}",
    VITE_AUTH_CLIENT_ID: "{{ VITE_AUTH_CLIENT_ID }}",
    VITE_AUTH_SCOPE: "{{ VITE_AUTH_SCOPE }}",
  };

  it("lets every variable's own deploy-time placeholder through", () => {
    expect(() => checkBuildEnv(placeholders)).not.toThrow();
    expect(() => checkBuildEnv({ ...placeholders, VITE_AUTH_SCOPE: undefined })).not.toThrow();
    expect(() => checkBuildEnv({ VITE_AUTH_ISSUER: "{{ VITE_AUTH_ISSUER }}", VITE_AUTH_CLIENT_ID: "page-client" })).not.toThrow();
  });

  it("checks everything else as the page will", () => {
    expect(() => checkBuildEnv({})).not.toThrow();
    expect(() => checkBuildEnv({ VITE_AUTH_ISSUER: "{{ VITE_AUTH_CLIENT_ID }}", VITE_AUTH_CLIENT_ID: "c" })).toThrow(/VITE_AUTH_ISSUER must be/);
    expect(() => checkBuildEnv({ VITE_AUTH_ISSUER: "{{ VITE_AUTH_ISSUER }}" })).toThrow(/VITE_AUTH_CLIENT_ID is not/);
    expect(() => checkBuildEnv({ VITE_AUTH_CLIENT_ID: "{{ VITE_AUTH_CLIENT_ID }}" })).toThrow(/VITE_AUTH_ISSUER is not/);
    expect(() => checkBuildEnv({ VITE_AUTH_ISSUER: "http://id.example.com", VITE_AUTH_CLIENT_ID: "c" })).toThrow(/https/);
  });
});

describe("pageEnv", () => {
  it("spells the variables for the stacks: the API's URL alone on a stage whose writes are public", () => {
    expect(pageEnv({ apiUrl: "https://api.example.com" })).toEqual({ VITE_API_URL: "https://api.example.com" });
  });

  it("adds the issuer, the page's client and the scopes where writes need signing in, passing tokens through", () => {
    const tokens = { apiUrl: "${Token[TOKEN.1]}", auth: { issuer: "${Token[TOKEN.2]}", clientId: "${Token[TOKEN.3]}" } };
    expect(pageEnv(tokens)).toEqual({
      VITE_API_URL: "${Token[TOKEN.1]}",
      VITE_AUTH_ISSUER: "${Token[TOKEN.2]}",
      VITE_AUTH_CLIENT_ID: "${Token[TOKEN.3]}",
      VITE_AUTH_SCOPE: "openid data/write",
    });
    expect(pageEnv({ ...tokens, auth: { ...tokens.auth, scope: "openid email data/write" } }).VITE_AUTH_SCOPE).toBe("openid email data/write");
  });

  it("writes what the build accepts and the page reads back", () => {
    const env = pageEnv({ apiUrl: "https://api.example.com", auth: { issuer: "https://id.example.com", clientId: "page" } });
    expect(() => checkBuildEnv(env)).not.toThrow();
    expect(apiBaseUrl(env.VITE_API_URL)).toBe("https://api.example.com");
    expect(authSettings(env)).toEqual({ issuer: "https://id.example.com", clientId: "page", scope: "openid data/write", insecure: false });
  });
});
