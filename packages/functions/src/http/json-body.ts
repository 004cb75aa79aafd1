import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { problem } from "./problem";

export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Refuses bodies over 64 KiB, announced or streamed. Only on routes that read a body: checking one makes the
 * Node server build a full Request for every request, which costs GET routes a quarter of their throughput.
 */
export const limitBody = bodyLimit({
  maxSize: BODY_LIMIT_BYTES,
  onError: (c) => problem(c, 413, `Request body must be at most ${BODY_LIMIT_BYTES / 1024} KiB`),
});

/** Reads a JSON request body, refusing other content types and malformed JSON with a 4xx. */
export async function jsonBody(c: Context): Promise<unknown> {
  const contentType = c.req.header("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new HTTPException(415, { message: "Content-Type must be application/json" });
  }
  const text = await c.req.text();
  if (text.trim() === "") throw new HTTPException(400, { message: "Request body is empty; send a JSON object" });
  try {
    return JSON.parse(text);
  } catch {
    throw new HTTPException(400, { message: "Request body is not valid JSON" });
  }
}
