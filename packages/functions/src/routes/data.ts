import type { WriteAccess } from "@data-api/core/access";
import { Data } from "@data-api/core/data";
import type { Database } from "@data-api/core/db";
import { Hono } from "hono";
import { writeAccess, type Identify } from "../access/caller";
import type { AppEnv } from "../app-env";
import { jsonBody, limitBody } from "../http/json-body";
import { countAs } from "../observability/business-metrics";

export interface DataRoutesOptions {
  db: Database;
  writes: WriteAccess;
  identify: Identify;
  exposeCreatedBy: boolean;
}

/**
 * A link relative to the request (RFC 8288 resolves it against the request's URL): built from the Host header, an
 * absolute one would hand a spoofed host to whoever follows it.
 */
function nextPageLink(requestUrl: string, after: number): string {
  const url = new URL(requestUrl);
  url.searchParams.set("after", String(after));
  return `<${url.pathname}${url.search}>; rel="next"`;
}

export const dataRoutes = ({ db, writes, identify, exposeCreatedBy }: DataRoutesOptions) => {
  // Before the body is read: a refused write costs no parsing. The same routes API Gateway's authorizer guards.
  const mayWrite = writeAccess({ writes, identify });
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const page = await Data.list(db, Data.parse(Data.ListQuery, c.req.query()), { createdBy: exposeCreatedBy });
      if (page.next !== undefined) c.header("Link", nextPageLink(c.req.url, page.next));
      return c.json(page.items);
    })
    .post("/", mayWrite, limitBody, countAs("DataCreated"), async (c) => {
      const created = await Data.create(db, Data.parse(Data.CreateBody, await jsonBody(c)), c.var.caller?.subject);
      return c.json({ message: "Data inserted successfully", ...created });
    })
    .delete("/:id", mayWrite, countAs("DataDeleted"), async (c) => {
      c.set("removed", await Data.remove(db, Data.parse(Data.IdParam, c.req.param("id"), "id")));
      return c.json({ message: "Data deleted successfully" });
    });
};
