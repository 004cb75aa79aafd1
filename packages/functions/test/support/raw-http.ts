import { connect, type Socket } from "node:net";

/** HTTP/1.1 spoken by hand over node:net, for what fetch cannot send or will not show: garbage, pipelining, resets. */

export interface RawResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
}

/** The complete responses at the start of `data`, and how many bytes they took. */
export function parseResponses(data: Buffer): { responses: RawResponse[]; used: number } {
  const responses: RawResponse[] = [];
  let at = 0;
  for (;;) {
    const headEnd = data.indexOf("\r\n\r\n", at);
    if (headEnd < 0) break;
    const [statusLine, ...lines] = data.subarray(at, headEnd).toString("latin1").split("\r\n");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine!)?.[1]);
    const headers = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf(":")).trim().toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
    );
    let cursor = headEnd + 4;
    let body: Buffer;
    if (headers["transfer-encoding"] === "chunked") {
      const chunks: Buffer[] = [];
      for (;;) {
        const sizeEnd = data.indexOf("\r\n", cursor);
        if (sizeEnd < 0) return { responses, used: at };
        const size = parseInt(data.subarray(cursor, sizeEnd).toString("latin1"), 16);
        if (data.length < sizeEnd + 2 + size + 2) return { responses, used: at };
        chunks.push(data.subarray(sizeEnd + 2, sizeEnd + 2 + size));
        cursor = sizeEnd + 2 + size + 2;
        if (size === 0) break;
      }
      body = Buffer.concat(chunks);
    } else {
      const length = Number(headers["content-length"] ?? 0);
      if (data.length < cursor + length) break;
      body = data.subarray(cursor, cursor + length);
      cursor += length;
    }
    responses.push({ status, headers, body: body.toString("utf8") });
    at = cursor;
  }
  return { responses, used: at };
}

/** A raw connection that records what came back and how it ended. */
export class RawConnection {
  readonly socket: Socket;
  #data = Buffer.alloc(0);
  /** When the server's FIN arrived, in ms since connecting. */
  endedAt: number | undefined;
  closedAt: number | undefined;
  /** The socket error, if any (ECONNRESET: the server reset the connection; EPIPE: we wrote after it closed). */
  error: NodeJS.ErrnoException | undefined;
  readonly #started = performance.now();
  readonly #closed: Promise<void>;

  /** `allowHalfOpen`: the server's FIN does not end our side, so we can go on writing, as a client mid-upload does. */
  constructor(url: string) {
    const { hostname, port } = new URL(url);
    this.socket = connect({ host: hostname, port: Number(port), allowHalfOpen: true });
    this.socket.on("data", (chunk: Buffer) => (this.#data = Buffer.concat([this.#data, chunk])));
    this.socket.on("end", () => (this.endedAt = performance.now() - this.#started));
    this.socket.on("error", (error) => (this.error = error));
    this.#closed = new Promise((resolve) =>
      this.socket.on("close", () => {
        this.closedAt = performance.now() - this.#started;
        resolve();
      }),
    );
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.socket.connecting) return resolve();
      this.socket.once("connect", resolve).once("error", reject);
    });
  }

  /** Writes, resolving once the bytes are with the kernel (or the write failed). */
  write(bytes: string | Buffer): Promise<void> {
    return new Promise((resolve) => this.socket.write(bytes, () => resolve()));
  }

  /** The complete responses received so far. */
  responses(): RawResponse[] {
    return parseResponses(this.#data).responses;
  }

  bytes(): Buffer {
    return this.#data;
  }

  /** Resolves once `count` complete responses arrived; rejects after `timeoutMs` or when the connection ends short. */
  async waitForResponses(count: number, timeoutMs = 5_000): Promise<RawResponse[]> {
    const deadline = performance.now() + timeoutMs;
    while (this.responses().length < count) {
      if (this.closedAt !== undefined || performance.now() > deadline) {
        throw new Error(`${this.responses().length} of ${count} responses; got ${JSON.stringify(this.#data.toString("latin1").slice(0, 500))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.responses();
  }

  /** Resolves once the server ended the connection (its FIN, or a reset), or after `timeoutMs` with false. */
  async waitForEnd(timeoutMs = 5_000): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.endedAt === undefined && this.closedAt === undefined) {
      if (performance.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  }

  /** Resolves once the connection is closed (by either side), or after `timeoutMs` with false. */
  async waitForClose(timeoutMs = 5_000): Promise<boolean> {
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    return Promise.race([this.#closed.then(() => true as const), timeout]);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
