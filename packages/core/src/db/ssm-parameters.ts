import { HttpRequest } from "@smithy/core/protocols";
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentials } from "./aws-credentials";

const Sha256 = Hash.bind(null, "sha256");

export interface ParametersRequest {
  names: string[];
  region: string;
  credentials: AwsCredentials;
  /** SSM's endpoint: the region's, or the standard override (AWS_ENDPOINT_URL_SSM). */
  endpoint: URL;
  send: typeof fetch;
}

/**
 * SSM's GetParameters (decrypted), as one request signed with Signature Version 4, answered as SSM answers it.
 * @aws-sdk/client-ssm would add its whole client to the bundle for this single request.
 */
export async function getParameters({ names, region, credentials, endpoint, send }: ParametersRequest) {
  const request = new HttpRequest({
    method: "POST",
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    port: endpoint.port ? Number(endpoint.port) : undefined,
    path: endpoint.pathname,
    headers: {
      host: endpoint.host,
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "AmazonSSM.GetParameters",
    },
    body: JSON.stringify({ Names: names, WithDecryption: true }),
  });
  const signer = new SignatureV4({ service: "ssm", region, credentials, sha256: Sha256 });
  const { host: _, ...headers } = (await signer.sign(request)).headers;
  // fetch writes the Host header itself, from the same URL.
  const response = await send(endpoint, { method: "POST", headers, body: request.body, signal: AbortSignal.timeout(5_000) });
  const answer = (await response.json()) as { Parameters?: { Name: string; Value: string }[]; message?: string };
  return { status: response.status, ok: response.ok, answer };
}
