import { createHash, createHmac, type BinaryLike } from "node:crypto";

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
  signedAt?: Date;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const EMPTY_BODY_SHA256 = createHash("sha256").update("").digest("hex");

// RFC 3986 escaping, as SigV4 wants it: encodeURIComponent leaves !'()* alone.
const escape = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: BinaryLike, text: string) => createHmac("sha256", key).update(text).digest();
const queryString = (params: Record<string, string>) =>
  Object.keys(params)
    .sort()
    .map((key) => `${escape(key)}=${escape(params[key]!)}`)
    .join("&");

/**
 * An RDS IAM authentication token: the `connect` URL presigned with Signature Version 4, valid 15 minutes.
 * Same token as @aws-sdk/rds-signer (checked by a test), without bundling the SDK into the function.
 */
export function rdsAuthToken(request: RdsTokenRequest): string {
  const { hostname, port, username, region, credentials, signedAt = new Date() } = request;
  const longDate = signedAt.toISOString().replace(/[-:]|\.\d{3}/g, "");
  const shortDate = longDate.slice(0, 8);
  const scope = `${shortDate}/${region}/rds-db/aws4_request`;
  const host = `${hostname}:${port}`;
  const params: Record<string, string> = {
    Action: "connect",
    DBUser: username,
    "X-Amz-Algorithm": ALGORITHM,
    "X-Amz-Credential": `${credentials.accessKeyId}/${scope}`,
    "X-Amz-Date": longDate,
    "X-Amz-Expires": "900",
    "X-Amz-SignedHeaders": "host",
    ...(credentials.sessionToken ? { "X-Amz-Security-Token": credentials.sessionToken } : {}),
  };
  const canonicalRequest = ["GET", "/", queryString(params), `host:${host}`, "", "host", EMPTY_BODY_SHA256].join("\n");
  const hashedRequest = createHash("sha256").update(canonicalRequest).digest("hex");
  const stringToSign = [ALGORITHM, longDate, scope, hashedRequest].join("\n");
  const signingKey = [shortDate, region, "rds-db", "aws4_request"].reduce<BinaryLike>(
    hmac,
    `AWS4${credentials.secretAccessKey}`,
  );
  const signature = createHmac("sha256", signingKey).update(stringToSign).digest("hex");
  return `${host}/?${queryString({ ...params, "X-Amz-Signature": signature })}`;
}

/** The credentials Lambda gives every function (its execution role's) in environment variables. */
export function credentialsFromEnv(env: Record<string, string | undefined>): AwsCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      "DB_IAM_AUTH needs AWS credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (Lambda sets them; " +
        "elsewhere run `eval $(aws configure export-credentials --format env)`)",
    );
  }
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
}
