import { createHash, createHmac, pbkdf2Sync } from "node:crypto";

/** Checks `password` against a PostgreSQL SCRAM-SHA-256 verifier (RFC 5802 / 7677), the way the server would. */
export function scramMatches(verifier: string, password: string): boolean {
  const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!match) return false;
  const [, iterations, salt, storedKey, serverKey] = match;
  const salted = pbkdf2Sync(password, Buffer.from(salt!, "base64"), Number(iterations), 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  return (
    createHash("sha256").update(clientKey).digest("base64") === storedKey &&
    createHmac("sha256", salted).update("Server Key").digest("base64") === serverKey
  );
}
