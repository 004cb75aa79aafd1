import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { databaseConfigFromEnv } from "../../src/db/config";
import { openDatabase } from "../../src/db/open";
import { openPostgres } from "../../src/db/postgres";
import { waitForDatabase } from "../../src/db/unavailable";
import { DatabaseUnavailableError } from "../../src/error";
import { describe, expect, it } from "vitest";

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("waitForDatabase", () => {
  it("returns as soon as the database answers", async () => {
    const database = await openDatabase(databaseConfigFromEnv(process.env));
    try {
      const started = Date.now();
      await waitForDatabase(database.db, 10_000, 5_000);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await database.close();
    }
  });

  it("keeps trying an unreachable database, then reports it unavailable", async () => {
    const config = databaseConfigFromEnv({ DB_HOST: "127.0.0.1", DB_PORT: String(await closedPort()), DATABASE_CONNECT_TIMEOUT: "1" });
    if (config.driver !== "postgres") throw new Error("expected a PostgreSQL config");
    const database = openPostgres(config);
    try {
      const started = Date.now();
      await expect(waitForDatabase(database.db, 1_000, 300)).rejects.toBeInstanceOf(DatabaseUnavailableError);
      // Three or four refused attempts, 300 ms apart: it retried, and stopped at the deadline.
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await database.close();
    }
  });
});
