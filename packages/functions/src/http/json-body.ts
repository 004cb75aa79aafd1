import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";

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
