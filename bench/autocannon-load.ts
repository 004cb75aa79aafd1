/**
 * The load of bench/http.ts where wrk is missing: autocannon in a process of its own (never the server's event
 * loop), printing its JSON result. POST bodies get unique names from a setupRequest hook: autocannon's
 * `--idReplacement` announces a Content-Length its ids no longer fill, and the server waits for the rest.
 *
 *   node --import tsx bench/autocannon-load.ts <url> <GET|POST> <connections> <seconds>
 */
import { randomUUID } from "node:crypto";
import autocannon, { type Request } from "autocannon";

const [url, method, connections, seconds] = process.argv.slice(2);
if (!url || (method !== "GET" && method !== "POST")) throw new Error("usage: autocannon-load.ts <url> <GET|POST> <connections> <seconds>");
const prefix = randomUUID().slice(0, 8);
let counter = 0;
const request: Request =
  method === "POST"
    ? {
        method: "POST",
        headers: { "content-type": "application/json" },
        setupRequest: (req: Request) => ({ ...req, body: JSON.stringify({ name: `bench-${prefix}-${++counter}` }) }),
      }
    : { method: "GET" };

const result = await autocannon({ url, connections: Number(connections), duration: Number(seconds), requests: [request] });
process.stdout.write(JSON.stringify(result));
