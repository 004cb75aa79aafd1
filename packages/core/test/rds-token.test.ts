import { Signer } from "@aws-sdk/rds-signer";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { credentialsFromEnv, type AwsCredentials } from "../src/db/aws-credentials";
import { rdsAuthToken } from "../src/db/rds-token";

const signedAt = new Date("2025-03-14T15:09:26.535Z");
const target = { hostname: "data-api-prod.proxy-c0ffee.eu-west-1.rds.amazonaws.com", port: 5432, region: "eu-west-1" };
const roleCredentials = {
  accessKeyId: "ASIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEOr//////////wEaCWV1LXdlc3QtMSJHMEUCIQ+token/with=chars",
};

/** The token the AWS SDK's own signer gives for the same request at the same instant. */
function sdkToken(username: string, credentials: AwsCredentials): Promise<string> {
  return new Signer({ ...target, username, credentials }).getAuthToken();
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: signedAt });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("rdsAuthToken", () => {
  it.each([
    { case: "role credentials with a session token", username: "data_api", credentials: roleCredentials },
    {
      case: "long-term keys and a user name that needs escaping",
      username: "app user+(ro)!*'",
      credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
    },
  ])("signs the same token as @aws-sdk/rds-signer for $case", async ({ username, credentials }) => {
    const expected = await sdkToken(username, credentials);

    expect(await rdsAuthToken({ ...target, username, credentials })).toBe(expected);
  });

  it("is a connect URL for the host, valid 15 minutes from its signing time", async () => {
    const token = await rdsAuthToken({ ...target, username: "data_api", credentials: roleCredentials });
    const url = new URL(`https://${token}`);

    expect(url.host).toBe(`${target.hostname}:${target.port}`);
    expect(url.searchParams.get("Action")).toBe("connect");
    expect(url.searchParams.get("X-Amz-Date")).toBe("20250314T150926Z");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900");
    expect(url.searchParams.get("X-Amz-Credential")).toBe("ASIAIOSFODNN7EXAMPLE/20250314/eu-west-1/rds-db/aws4_request");
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("credentialsFromEnv", () => {
  it("reads the execution role's credentials as Lambda sets them", () => {
    expect(
      credentialsFromEnv({ AWS_ACCESS_KEY_ID: "ASIA1", AWS_SECRET_ACCESS_KEY: "secret", AWS_SESSION_TOKEN: "token" }),
    ).toEqual({ accessKeyId: "ASIA1", secretAccessKey: "secret", sessionToken: "token" });
  });

  it("says how to provide credentials when there are none", () => {
    expect(() => credentialsFromEnv({ AWS_ACCESS_KEY_ID: "ASIA1" })).toThrow(/AWS_SECRET_ACCESS_KEY.*export-credentials/);
  });
});
