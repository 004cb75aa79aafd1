import { Hono } from "hono";
import { handle, type LambdaContext } from "hono/aws-lambda";
import { floorRoutes } from "./floor";

/**
 * The floor writing one JSON line per invocation, with the keys ours writes (Powertools' and the request's), by
 * hand: what the log line alone costs, which the floor does not pay. bench/warm.ts prints it for reference; the
 * target stays against the floor.
 */
let coldStart = true;

export const handler = handle(
  new Hono<{ Bindings: { lambdaContext: LambdaContext } }>()
    .use(async (c, next) => {
      const started = performance.now();
      await next();
      const { lambdaContext: context } = c.env;
      const line = {
        level: "INFO",
        message: `${c.req.method} ${c.req.path} ${c.res.status}`,
        timestamp: new Date().toISOString(),
        service: "data-api",
        cold_start: coldStart,
        function_arn: context.invokedFunctionArn,
        function_memory_size: context.memoryLimitInMB,
        function_name: context.functionName,
        function_request_id: context.awsRequestId,
        sampling_rate: 0,
        stage: process.env.STAGE,
        method: c.req.method,
        route: "/data",
        path: c.req.path,
        status: c.res.status,
        latency_ms: Math.round((performance.now() - started) * 10) / 10,
        request_id: context.awsRequestId,
        correlation_id: context.awsRequestId,
      };
      coldStart = false;
      process.stdout.write(`${JSON.stringify(line)}\n`);
    })
    .route("/", floorRoutes),
);
