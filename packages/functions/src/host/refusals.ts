import { maxHeaderSize, STATUS_CODES } from "node:http";

/**
 * Answers the HTTP layer gives by itself, before any request reaches the app: in the API's shape (JSON with a
 * `message`), where Node and @hono/node-server would send an empty body. A refusal of the parser or of a timeout
 * is written raw to the socket, since there is no request object to answer, and closes the connection: the
 * request stream can no longer be trusted.
 */

export interface Refusal {
  status: number;
  message: string;
}

/** What a `clientError` (an error of the HTTP parser or of the server's timeouts) is answered with. */
export function refusalFor(
  error: NodeJS.ErrnoException & { reason?: string },
  timeouts: { headersMs: number; requestMs: number },
): Refusal {
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW":
      return { status: 431, message: `Request headers must be at most ${maxHeaderSize / 1024} KiB in all` };
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return { status: 413, message: "Request chunk extensions are too large" };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return {
        status: 408,
        message: `The request did not arrive in time: its headers within ${timeouts.headersMs / 1000} s, all of it within ${timeouts.requestMs / 1000} s`,
      };
    default:
      // llhttp's reasons are fixed texts ("Invalid method encountered"), never a piece of the request.
      return { status: 400, message: `Malformed HTTP request${error.reason ? `: ${error.reason}` : ""}` };
  }
}

/** A complete HTTP/1.1 response carrying `refusal`, announcing that the connection closes after it. */
export function rawResponse({ status, message }: Refusal): string {
  const body = JSON.stringify({ message });
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`,
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}

/** A refusal as a Response, for @hono/node-server's own (a request it cannot turn into a Request). */
export function jsonResponse({ status, message }: Refusal): Response {
  return new Response(JSON.stringify({ message }), { status, headers: { "Content-Type": "application/json" } });
}
