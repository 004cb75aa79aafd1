import { formatUrl } from "@aws-sdk/core/util";
import { HttpRequest } from "@smithy/core/protocols";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { envReader, optionalText } from "../env";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RdsTokenRequest {
  hostname: string;
  port: number;
  username: string;
  region: string;
  credentials: AwsCredentials;
}

const Sha256 = Hash.bind(null, "sha256");
// The token is the presigned URL without its scheme.
const PROTOCOL = "https:";

/**
 * An RDS IAM authentication token: the `connect` URL presigned with Signature Version 4, valid 15 minutes.
 * Signed as @aws-sdk/rds-signer's Signer.getAuthToken signs it (a test compares the two), with the signer it uses;
 * the Signer itself would also bundle the SDK's whole credential-provider chain, which Lambda does not need.
 */
export async function rdsAuthToken(request: RdsTokenRequest): Promise<string> {
  const { hostname, port, username, region, credentials } = request;
  const signer = new SignatureV4({ service: "rds-db", region, credentials, sha256: Sha256 });
  const connect = new HttpRequest({
    method: "GET",
    protocol: PROTOCOL,
    hostname,
    port,
    query: { Action: "connect", DBUser: username },
    headers: { host: `${hostname}:${port}` },
  });
  const presigned = await signer.presign(connect, { expiresIn: 900 });
  return formatUrl(presigned).replace(`${PROTOCOL}//`, "");
}

const readCredentialsEnv = envReader("AWS credentials", {
  AWS_ACCESS_KEY_ID: optionalText,
  AWS_SECRET_ACCESS_KEY: optionalText,
  AWS_SESSION_TOKEN: optionalText,
});

/** The credentials Lambda gives every function (its execution role's) in environment variables. */
export function credentialsFromEnv(env: Record<string, string | undefined>): AwsCredentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = readCredentialsEnv(env);
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      "Signing for AWS needs credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (Lambda sets them; " +
        "elsewhere run `eval $(aws configure export-credentials --format env)`)",
    );
  }
  return { accessKeyId, secretAccessKey, sessionToken };
}
