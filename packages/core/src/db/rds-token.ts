import { formatUrl } from "@aws-sdk/core/util";
import { HttpRequest } from "@smithy/core/protocols";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentials } from "./aws-credentials";

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
