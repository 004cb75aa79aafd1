import type { Socket } from "node:net";

/** How long a closing connection keeps reading what the client still sends before it is closed for good. */
export const LINGER_MS = 2_000;

const lingering = new WeakSet<Socket>();

/**
 * Closes a connection after what was written to it, without a reset: FIN first, then keep reading (and dropping)
 * what the client still sends, until it closes its side or LINGER_MS pass. Closing the socket at once, while a
 * client is still sending a body we refused, makes the kernel answer its next segment with a reset, and a reset
 * can wipe our answer from the client's buffer before it reads it ("other side closed", EPIPE, ECONNRESET).
 * This is the lingering close of Apache and nginx.
 */
export function closeLingering(socket: Socket, lingerMs = LINGER_MS): void {
  if (socket.destroyed || lingering.has(socket)) return;
  lingering.add(socket);
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
  // The client's FIN: nothing more will come, so nothing can be reset.
  socket.once("end", () => socket.destroy());
  socket.end();
}

/** Whether `socket` is already closing lingering: its own timer bounds it, nothing else needs to cut it short. */
export const isLingering = (socket: Socket) => lingering.has(socket);

/**
 * Makes Node close this connection lingering. Node ends a `Connection: close` response's socket with
 * `socket.destroySoon()`, which destroys it as soon as our FIN is out; that is replaced for this socket only.
 */
export function lingerWhenClosed(socket: Socket): void {
  socket.destroySoon = () => closeLingering(socket);
}
