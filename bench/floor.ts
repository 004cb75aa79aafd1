import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import postgres from "postgres";

/**
 * The driver settings of our function (packages/core/src/db/postgres.ts, connectionOptions, for DATABASE_URL and a
 * pool of one): no prepared statements, one connection, no TLS locally. bench/cold-start.ts checks they stay equal,
 * so that the floor pays for nothing ours does not.
 */
export const FLOOR_OPTIONS = {
  prepare: false,
  max: 1,
  connect_timeout: 5,
  idle_timeout: 60,
  ssl: false,
  connection: { application_name: "data-api" },
  onnotice: () => {},
} satisfies postgres.Options<Record<string, never>>;

const sql = postgres(process.env.DATABASE_URL ?? "", FLOOR_OPTIONS);

// The least a function can do to answer GET /data as ours does: the same keyset query, the first page of 100, its
// rows let go once written, as ours lets them go (packages/functions/src/routes/data.ts): kept, they can cost the
// garbage collector a copy of every page, which ours does not pay.
export const floorRoutes = new Hono().get("/data", async (c) => {
  const rows = await sql`select id, name from data where id > ${0} order by id limit ${101}`;
  const response = c.json(rows);
  rows.length = 0;
  return response;
});

export const handler = handle(floorRoutes);
