import { Data } from "@data-api/core/data";
import type { Database } from "@data-api/core/db";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { jsonBody, limitBody } from "../http/json-body";
import { countAs } from "../observability/business-metrics";

/**
 * A link relative to the request (RFC 8288 resolves it against the request's URL): built from the Host header, an
 * absolute one would hand a spoofed host to whoever follows it.
 */
function nextPageLink(requestUrl: string, after: number): string {
  const url = new URL(requestUrl);
  url.searchParams.set("after", String(after));
  return `<${url.pathname}${url.search}>; rel="next"`;
}

export const dataRoutes = (db: Database) =>
  new Hono<AppEnv>()
    .get("/", async (c) => {
      const page = await Data.list(db, Data.parse(Data.ListQuery, c.req.query()));
      if (page.next !== undefined) c.header("Link", nextPageLink(c.req.url, page.next));
      return c.json(page.items);
    })
    .post("/", limitBody, countAs("DataCreated"), async (c) => {
      const created = await Data.create(db, Data.parse(Data.CreateBody, await jsonBody(c)));
      return c.json({ message: "Data inserted successfully", ...created });
    })
    .delete("/:id", countAs("DataDeleted"), async (c) => {
      await Data.remove(db, Data.parse(Data.IdParam, c.req.param("id"), "id"));
      return c.json({ message: "Data deleted successfully" });
    });
