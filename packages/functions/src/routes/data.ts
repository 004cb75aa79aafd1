import type { WriteAccess } from "@data-api/core/access";
import { Data } from "@data-api/core/data";
import type { Database, Queryable } from "@data-api/core/db";
import { Idempotency, type Answer } from "@data-api/core/idempotency";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { writeAccess, type Identify } from "../access/caller";
import type { AppEnv } from "../app-env";
import { json, setHeader } from "../http/answer";
import { idempotencyKey } from "../http/idempotency-key";
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
function nextPageLink(path: string, requestUrl: string, after: number): string {
  // Only the query is parsed: a whole URL cost 2.6-4.3 us a page, its query 0.7 us.
  const queryAt = requestUrl.indexOf("?");
  // The first page's link, the one asked for most, has no query to keep.
  if (queryAt === -1) return `<${path}?after=${after}>; rel="next"`;
  const query = new URLSearchParams(requestUrl.slice(queryAt + 1));
  query.set("after", String(after));
  return `<${path}?${query}>; rel="next"`;
}

export const dataRoutes = ({ db, writes, identify, exposeCreatedBy }: DataRoutesOptions) => {
  // Before the body is read: a refused write costs no parsing. The same routes API Gateway's authorizer guards.
  const mayWrite = writeAccess({ writes, identify });
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const page = await Data.list(db, Data.listInput(c.req.query()), { createdBy: exposeCreatedBy });
      if (page.next !== undefined) setHeader(c, "link", nextPageLink(c.req.path, c.req.url, page.next));
      const response = json(c, page.items);
      // Written: the rows are let go at once. Left in the driver's result array, every page since the last young
      // garbage collection was still alive at the next one, which copied them all: 14 KB a call, against 0.25 KB
      // once emptied (bench/warm.ts prints it). Plain JavaScript does the same when it awaits, three async calls
      // deep, a Promise subclass that keeps a closure over its own resolve function, as postgres.js's Query does.
      page.items.length = 0;
      return response;
    })
    .post("/", mayWrite, limitBody, countAs("DataCreated"), async (c) => {
      const key = idempotencyKey(c);
      const body = await jsonBody(c);
      const input = Data.parse(Data.CreateBody, body);
      const caller = c.get("caller")?.subject;
      const create = async (to: Queryable): Promise<Answer> => ({
        status: 200,
        body: { message: Data.MESSAGES.inserted, ...(await Data.create(to, input, caller)) },
      });
      // Without a key, exactly the Flask app's insert; with one, the insert and its answer are kept together.
      const answer = key === undefined ? { ...(await create(db)), replayed: false } : await Idempotency.once(db, { caller, key, body }, create);
      // A replay wrote nothing: it counts as no new record.
      if (answer.replayed) c.set("businessEvent", undefined);
      return json(c, answer.body, answer.status as ContentfulStatusCode);
    })
    .delete("/:id", mayWrite, countAs("DataDeleted"), async (c) => {
      c.set("removed", await Data.remove(db, Data.parse(Data.IdParam, c.req.param("id"), "id")));
      return json(c, { message: Data.MESSAGES.deleted });
    });
};
