/**
 * The least `npm start` could be while doing the same work: plain Hono on @hono/node-server and plain postgres.js
 * with our server's driver settings (no prepared statements, a pool of 10), answering GET /data with the same
 * keyset query and POST /data with the same insert and conflict handling. bench/http.ts runs it beside ours.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import postgres from "postgres";
import { FLOOR_OPTIONS } from "./floor";

const PAGE = 100;
const sql = postgres(process.env.DATABASE_URL ?? "", { ...FLOOR_OPTIONS, max: 10 });

const app = new Hono()
  .get("/data", async (c) => {
    const rows = await sql`select id, name from data where id > ${0} order by id limit ${PAGE + 1}`;
    // As ours drops the extra row (packages/core/src/data/data.ts) and links the next page, and lets the rows go
    // once written (packages/functions/src/routes/data.ts).
    if (rows.length > PAGE) c.header("Link", `</data?after=${rows[PAGE - 1]!.id}>; rel="next"`);
    rows.length = Math.min(rows.length, PAGE);
    const response = c.json(rows);
    rows.length = 0;
    return response;
  })
  .post("/data", async (c) => {
    const { name } = await c.req.json<{ name: string }>();
    const [row] = await sql`insert into data (name) values (${name.trim()}) on conflict (name) do nothing returning id, name`;
    return row ? c.json({ message: "Data inserted successfully", ...row }) : c.json({ message: "Data already exists" }, 409);
  });

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1" }, (info) => {
  console.log(`floor listening on http://127.0.0.1:${info.port}`);
});
