import type { IncomingHttpHeaders } from "node:http";
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { readBoundSecret } from "../src/db/bound-secret";
import { boundSecretEnv, startFakeSsm } from "./support/ssm";

const credentials = { accessKeyId: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sessionToken: "IQoJb3JpZ2luX2Vj" };
const STAGE_PATH = "/sst/data-api/alice/Secret/DATABASE_URL/value";
const FALLBACK_PATH = "/sst/data-api/.fallback/Secret/DATABASE_URL/value";

let ssm: Awaited<ReturnType<typeof startFakeSsm>>;
beforeAll(async () => {
  ssm = await startFakeSsm();
});
afterAll(() => ssm.close());
beforeEach(() => ssm.reset());
afterEach(() => vi.useRealTimers());

const boundEnv = (): Record<string, string | undefined> => boundSecretEnv("DATABASE_URL", "alice", ssm.endpoint);
const received = () => ssm.state.received;

const signedHeaders = (headers: IncomingHttpHeaders) => /SignedHeaders=([^,]+)/.exec(headers.authorization!)![1]!.split(";");

describe("readBoundSecret", () => {
  it("is undefined, and asks nothing, where no secret is bound", async () => {
    expect(await readBoundSecret("DATABASE_URL", { ...boundEnv(), SST_Secret_value_DATABASE_URL: undefined })).toBeUndefined();
    expect(received()).toEqual([]);
  });

  it("sends the GetParameters request @aws-sdk/client-ssm sends, signed for SSM in the stage's region", async () => {
    ssm.state.parameters[STAGE_PATH] = "postgres://alice:s3cret@db.example.com:5432/alice";
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-01T12:00:00Z") });
    expect(await readBoundSecret("DATABASE_URL", boundEnv())).toBe("postgres://alice:s3cret@db.example.com:5432/alice");
    await new SSMClient({ region: "eu-west-1", endpoint: ssm.endpoint, credentials }).send(
      new GetParametersCommand({ Names: [STAGE_PATH, FALLBACK_PATH], WithDecryption: true }),
    );
    const [ours, sdk] = received();
    expect(ours!.method).toBe("POST");
    expect(ours!.url).toBe(sdk!.url);
    expect(ours!.body).toBe(sdk!.body);
    for (const header of ["x-amz-target", "content-type", "x-amz-security-token", "x-amz-date", "host"]) {
      expect(ours!.headers[header], header).toBe(sdk!.headers[header]);
    }
    expect(ours!.headers.authorization).toMatch(/Credential=ASIAIOSFODNN7EXAMPLE\/20261201\/eu-west-1\/ssm\/aws4_request/);
    // The SDK signs a few headers of its own (user agent, invocation id); the signature of what both sign agrees
    // only if canonical request and scope agree, which the equal bodies, targets and dates above pin down.
    expect(signedHeaders(ours!.headers)).toEqual(expect.arrayContaining(["content-type", "host", "x-amz-date", "x-amz-security-token", "x-amz-target"]));
  });

  it("falls back to the app's .fallback value, as sst/node/config does", async () => {
    ssm.state.parameters[FALLBACK_PATH] = "postgres://shared@db.example.com/dev";
    expect(await readBoundSecret("DATABASE_URL", boundEnv())).toBe("postgres://shared@db.example.com/dev");
  });

  it("says how to set a secret nobody set", async () => {
    await expect(readBoundSecret("DATABASE_URL", boundEnv())).rejects.toThrow(
      "Secret DATABASE_URL is not set for stage alice: npx sst secrets set DATABASE_URL <value> --stage alice",
    );
  });

  it("passes SSM's refusal on", async () => {
    ssm.state.status = 400;
    await expect(readBoundSecret("DATABASE_URL", boundEnv())).rejects.toThrow(/HTTP 400.*not authorized to perform: ssm:GetParameters/);
  });

  it("needs the function's credentials", async () => {
    await expect(readBoundSecret("DATABASE_URL", { ...boundEnv(), AWS_SECRET_ACCESS_KEY: undefined })).rejects.toThrow(/AWS_SECRET_ACCESS_KEY/);
  });
});
