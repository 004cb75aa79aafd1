import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Logger } from "@aws-lambda-powertools/logger";
import { getRequestListener, RequestError, type HttpBindings } from "@hono/node-server";
import { closeLingering, isLingering, lingerWhenClosed } from "./linger";
import { PIPELINE_LIMITS, PipelineBound } from "./pipelining";
import { jsonResponse, rawResponse, refusalFor } from "./refusals";

/**
 * The Node HTTP server of `npm start` around the app's fetch: what a public-facing server needs that Node and
 * @hono/node-server leave out. Every answer is JSON, the HTTP layer's own refusals included; a connection cannot
 * queue unbounded work; a refused body does not break the client's connection; slow clients are cut off.
 */

export interface HttpServerOptions {
  fetch: (request: Request, env: HttpBindings) => Response | Promise<Response>;
  /** How long a client may take to send a whole request. */
  requestTimeoutMs: number;
  /** Where the HTTP layer tells what it refused; the app logs the requests it answers itself. */
  logger: Pick<Logger, "info" | "warn" | "error">;
}

// A request's headers fit in one or two packets: ten seconds is generous, and bounds Slowloris-style clients.
const HEADERS_TIMEOUT_MS = 10_000;

const HANG_UPS = new Set(["ECONNRESET", "HPE_INVALID_EOF_STATE"]);

/** Whether a request announced a body (RFC 9112, 6.3). */
const announcesBody = ({ headers }: IncomingMessage) =>
  headers["transfer-encoding"] !== undefined || (headers["content-length"] !== undefined && headers["content-length"] !== "0");

/**
 * Drops what is left of a request body nobody will read. Node's http server would drop it by itself, but not once
 * the body stream was opened (hono's bodyLimit opens it to check a chunked body's size): then its web stream holds
 * the socket paused when full, and the rest of the body stays in the kernel until the connection is reset.
 */
function discardBody(incoming: IncomingMessage): void {
  incoming.removeAllListeners("data");
  incoming.resume();
}

/**
 * An answer given before the request's body arrived whole (a 413, a 415): the rest of the body is still on its
 * way, and a keep-alive client would send its next request behind it. The answer says the connection closes, the
 * rest of the body is read and dropped, and the connection is closed without a reset.
 */
async function closeIfBodyUnread(answer: Response | Promise<Response>, incoming: IncomingMessage): Promise<Response> {
  const response = await answer;
  // Node lets promises run between the parser's callbacks, so an app that answers without reading the body can be
  // done before the rest of the very packet that held it is parsed: one turn of the event loop tells such a body
  // from one still on its way.
  if (!incoming.complete) await new Promise((resolve) => setImmediate(resolve));
  if (!incoming.complete) {
    response.headers.set("Connection", "close");
    lingerWhenClosed(incoming.socket);
    discardBody(incoming);
  }
  return response;
}

export function createHttpServer({ fetch, requestTimeoutMs, logger }: HttpServerOptions): Server {
  const timeouts = { headersMs: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs), requestMs: requestTimeoutMs };
  const handle = getRequestListener(
    (request, env) => {
      const { incoming } = env as HttpBindings;
      const answer = fetch(request, env as HttpBindings);
      return announcesBody(incoming) ? closeIfBodyUnread(answer, incoming) : answer;
    },
    {
      // node-server's own refusals (no Host header, a malformed URL) and failures: JSON too, not an empty body.
      errorHandler: (error) => {
        if (error instanceof RequestError) {
          const refusal = { status: 400, message: `Bad request: ${error.message}` };
          logger.info({ message: `HTTP ${refusal.status} ${refusal.message}` });
          return jsonResponse(refusal);
        }
        logger.error("the HTTP layer failed", error instanceof Error ? error : String(error));
        return jsonResponse({ status: 500, message: "Internal server error" });
      },
    },
  );

  const pipelines = new PipelineBound(
    (request, response) => void handle(request, response),
    PIPELINE_LIMITS,
    (socket) =>
      logger.warn({
        message: `closed a connection that pipelined more than ${PIPELINE_LIMITS.running + PIPELINE_LIMITS.waiting} requests`,
        remote: socket.remoteAddress,
      }),
  );

  const server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: timeouts.headersMs,
      // Node looks for expired requests this often (30 s by default, which would let a timeout run 30 s late).
      connectionsCheckingInterval: Math.min(1_000, Math.max(50, requestTimeoutMs / 4)),
      // Node refuses a request without Host with an empty 400; node-server refuses it in JSON (errorHandler).
      requireHostHeader: false,
    },
    pipelines.listener,
  );

  const refused = new WeakSet<Socket>();
  server.on("clientError", (error: NodeJS.ErrnoException & { reason?: string }, socket: Socket) => {
    // A broken parser reports its error again for every further chunk: the first answer is the only one. A
    // connection closing lingering after its answer has its own deadline (the request timeout comes here too).
    if (refused.has(socket) || isLingering(socket)) return;
    refused.add(socket);
    // The client hung up (a reset, or its FIN in the middle of a request), or an answer is half-written there:
    // nothing more can be said on this connection, and a hang-up is no malformed request to log.
    if (HANG_UPS.has(error.code ?? "") || !socket.writable || pipelines.isAnswering(socket)) {
      socket.destroy();
      return;
    }
    const refusal = refusalFor(error, timeouts);
    logger.info({ message: `HTTP ${refusal.status} ${refusal.message}`, code: error.code, remote: socket.remoteAddress });
    socket.write(rawResponse(refusal));
    closeLingering(socket);
  });

  // Node answers any Expect but 100-continue with an empty 417.
  server.on("checkExpectation", (request: IncomingMessage, response: ServerResponse) => {
    lingerWhenClosed(request.socket);
    const body = JSON.stringify({ message: "Expect supports only 100-continue" });
    response.writeHead(417, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Connection: "close" });
    response.end(body);
  });

  // Without a listener Node drops a CONNECT without a word.
  server.on("connect", (_request: IncomingMessage, socket: Socket) => {
    socket.on("error", () => {});
    socket.write(rawResponse({ status: 405, message: "CONNECT is not supported: this server is not a proxy" }));
    socket.resume();
    closeLingering(socket);
  });

  return server;
}

/** Listens on `host`:`port`; rejects with the listen error (EADDRINUSE, EADDRNOTAVAIL, ENOTFOUND) instead of throwing it. */
export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** The URL of what the server really listens on: `http://127.0.0.1:3000`, `http://[::1]:3000`, `http://0.0.0.0:3000`. */
export function urlOf({ address, port }: AddressInfo): string {
  return `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
}
