import type { Context as LambdaContext } from "aws-lambda";
import type { LambdaEvent } from "hono/aws-lambda";
import type { RequestIdVariables } from "hono/request-id";
import type { BusinessMetric } from "./observability/names";

/** What every handler and middleware of the app may read: the Lambda event where there is one, and per-request values. */
export interface AppEnv {
  Bindings: { event?: LambdaEvent; lambdaContext?: LambdaContext };
  Variables: RequestIdVariables & {
    /** What a route that succeeded did, for the business metrics; set by `countAs`. */
    businessEvent?: BusinessMetric;
  };
}
