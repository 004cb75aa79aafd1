import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** SSM's GetParameters over its JSON protocol, on loopback: answers from `parameters`, records each request. */
export async function startFakeSsm() {
  const state = { parameters: {} as Record<string, string>, status: 200, received: [] as ReceivedRequest[] };
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      state.received.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      response.writeHead(state.status, { "content-type": "application/x-amz-json-1.1" });
      if (state.status !== 200) {
        response.end(JSON.stringify({ __type: "AccessDeniedException", message: "not authorized to perform: ssm:GetParameters" }));
        return;
      }
      const names: string[] = JSON.parse(body).Names;
      response.end(
        JSON.stringify({
          Parameters: names.filter((name) => name in state.parameters).map((name) => ({ Name: name, Type: "SecureString", Value: state.parameters[name] })),
          InvalidParameters: names.filter((name) => !(name in state.parameters)),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    state,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    reset() {
      state.parameters = {};
      state.status = 200;
      state.received.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The environment SST's Config.Secret binding and Lambda give a function of `stage` bound to secret `name`. */
export function boundSecretEnv(name: string, stage: string, endpoint: string): Record<string, string> {
  return {
    [`SST_Secret_value_${name}`]: "__FETCH_FROM_SSM__",
    SST_SSM_PREFIX: `/sst/data-api/${stage}/`,
    SST_APP: "data-api",
    SST_STAGE: stage,
    SST_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "ASIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_SESSION_TOKEN: "IQoJb3JpZ2luX2Vj",
    AWS_ENDPOINT_URL_SSM: endpoint,
  };
}
