import { envReader, integer, text } from "@data-api/core/env";

export interface HostSettings {
  /** The address `npm start` listens on: loopback unless told otherwise, since it has no authentication. */
  host: string;
  port: number;
  /** How long a client may take to send a whole request; its headers get at most 10 s of it. */
  requestTimeoutMs: number;
}

const readHostEnv = envReader("server settings", {
  HOST: text("127.0.0.1"),
  PORT: integer(0, 65535, 3000),
  REQUEST_TIMEOUT_MS: integer(100, 3_600_000, 30_000),
});

/** Settings of the local HTTP server (`npm start`), read once at start-up. */
export function hostSettings(env: Record<string, string | undefined>): HostSettings {
  const settings = readHostEnv(env);
  return { host: settings.HOST, port: settings.PORT, requestTimeoutMs: settings.REQUEST_TIMEOUT_MS };
}
