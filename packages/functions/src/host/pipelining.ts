import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/**
 * Bounds the work one connection can put on the server. Node parses every pipelined request it has read and hands
 * each to the app at once; the answers then wait in memory, in order, for a client that may never read them. A
 * client that pipelined thousands of requests on a few sockets drove the server from 112 MiB to 3.7 GiB and kept
 * it querying for minutes after it hung up. Here a connection runs a few requests at a time; the others wait
 * (a parsed request is small, an answer may not be); a connection with more waiting than that is closed; and a
 * waiting request whose connection is gone is never run.
 */

export interface PipelineLimits {
  /** Requests of one connection in the app at once (answers not yet handed to the socket count too). */
  running: number;
  /** Requests of one connection waiting for their turn; one more, and the connection is closed. */
  waiting: number;
}

export const PIPELINE_LIMITS: PipelineLimits = { running: 8, waiting: 56 };

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

interface Connection {
  /** Answers handed to the app and not yet finished. */
  running: Set<ServerResponse>;
  waiting: [IncomingMessage, ServerResponse][];
}

/** Wraps a request listener so that each connection stays within `limits`. */
export class PipelineBound {
  readonly #connections = new WeakMap<Socket, Connection>();

  constructor(
    private readonly handle: RequestListener,
    private readonly limits: PipelineLimits = PIPELINE_LIMITS,
    /** Told before a connection that went over the limits is closed. */
    private readonly onOverflow: (socket: Socket) => void = () => {},
  ) {}

  /** The listener to give the HTTP server. */
  readonly listener: RequestListener = (request, response) => {
    const socket = request.socket;
    // The rest of a chunk that was being parsed when the connection was closed.
    if (socket.destroyed) return;
    let connection = this.#connections.get(socket);
    if (!connection) {
      const created: Connection = { running: new Set(), waiting: [] };
      this.#connections.set(socket, created);
      socket.once("close", () => (created.waiting.length = 0));
      connection = created;
    }
    if (connection.running.size < this.limits.running) return this.#run(connection, request, response);
    if (connection.waiting.length < this.limits.waiting) {
      connection.waiting.push([request, response]);
      return;
    }
    // Answers must go out in order, so this one cannot be refused on its own: the connection goes.
    connection.waiting.length = 0;
    this.onOverflow(socket);
    socket.destroy();
  };

  /** Whether an answer is half-written on `socket`, so that nothing else may be written there now. */
  isAnswering(socket: Socket): boolean {
    for (const response of this.#connections.get(socket)?.running ?? []) if (response.headersSent) return true;
    return false;
  }

  #run(connection: Connection, request: IncomingMessage, response: ServerResponse) {
    connection.running.add(response);
    // "close" follows "finish" (the answer is with the socket) and also comes when the socket dies first; it comes
    // once, so `on` does, without the wrapper `once` makes for every request.
    response.on("close", () => {
      connection.running.delete(response);
      this.#next(connection);
    });
    this.handle(request, response);
  }

  #next(connection: Connection) {
    while (connection.running.size < this.limits.running) {
      const turn = connection.waiting.shift();
      if (!turn) return;
      const [request, response] = turn;
      // Its client is gone: whatever it asked for, nobody will read the answer.
      if (request.socket.destroyed || response.destroyed) continue;
      this.#run(connection, request, response);
    }
  }
}
