import { describe, expect, it } from "vitest";
import { accountSettings, repositoryOfRemote } from "./settings";

const noOrigin = () => undefined;

describe("repositoryOfRemote", () => {
  it.each([
    ["https://github.com/acme/data-api.git", "acme/data-api"],
    ["https://github.com/acme/data-api", "acme/data-api"],
    ["git@github.com:acme/data-api.git\n", "acme/data-api"],
    ["ssh://git@github.com/acme/data.api.git", "acme/data.api"],
  ])("reads %j as %s", (url, repository) => {
    expect(repositoryOfRemote(url)).toBe(repository);
  });

  it.each(["https://gitlab.com/acme/data-api.git", "https://github.com.evil.test/acme/data-api", ""])(
    "ignores %j",
    (url) => {
      expect(repositoryOfRemote(url)).toBeUndefined();
    },
  );
});

describe("accountSettings", () => {
  it("takes the repository GitHub Actions names, before any git remote", () => {
    const settings = accountSettings({ GITHUB_REPOSITORY: "acme/data-api" }, () => "git@github.com:other/repo.git");
    expect(settings).toEqual({ repository: "acme/data-api", oidcProviderArn: undefined });
  });

  it("falls back to the GitHub repository of the origin remote", () => {
    expect(accountSettings({}, () => "https://github.com/acme/data-api.git").repository).toBe("acme/data-api");
  });

  it("refuses to guess when neither names a repository", () => {
    expect(() => accountSettings({}, noOrigin)).toThrow(/Set GITHUB_REPOSITORY=owner\/name/);
  });

  it.each(["acme/*", "acme", "acme/data-api:environment:production", "*/*"])(
    "rejects %j, which would widen or break the trust policy",
    (repository) => {
      expect(() => accountSettings({ GITHUB_REPOSITORY: repository }, noOrigin)).toThrow(/must look like owner\/name/);
    },
  );

  it("passes an existing OIDC provider through", () => {
    const arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    expect(accountSettings({ GITHUB_REPOSITORY: "acme/data-api", GITHUB_OIDC_PROVIDER_ARN: arn }, noOrigin).oidcProviderArn).toBe(arn);
  });
});
