import type { Context as LambdaContext } from "aws-lambda";
import type { Removed } from "@data-api/core/data";
import type { LambdaEvent } from "hono/aws-lambda";
import type { Caller } from "./access/caller";
import type { BusinessMetric } from "./observability/names";

/** What every handler and middleware of the app may read: the Lambda event where there is one, and per-request values. */
export interface AppEnv {
  Bindings: { event?: LambdaEvent; lambdaContext?: LambdaContext };
  Variables: {
    /** The request's id, as `observe` decided it: the one errors and the log line name. */
    requestId: string;
    /** What a route that succeeded did, for the business metrics; set by `countAs`. */
    businessEvent?: BusinessMetric;
    /** Who sent a write, once `writeAccess` identified them; for `created_by` and the log line. */
    caller?: Caller;
    /** The row a delete removed, for the log line: what was removed, beside who removed it. */
    removed?: Removed;
    /** The `message` of an error answer, for the log line: what the client was told. */
    problem?: string;
    /** The headers the answer will carry beside its own, until it is made (http/answer.ts). */
    headers?: Record<string, string>;
  };
}
