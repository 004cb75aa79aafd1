import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import postgres from "postgres";

// The least a function can do to answer GET /data: the cold-start floor our API is measured against.
const sql = postgres(process.env.DATABASE_URL ?? "");

export const handler = handle(
  new Hono().get("/data", async (c) => c.json(await sql`select id, name from data order by id limit 100`)),
);
