import type { Info, Page } from "@data-api/core/data";
import { nextCursor } from "./link";

// The record and its page are the API's own types: a type-only import, so nothing of core enters the bundle.
export type { Info, Page } from "@data-api/core/data";

export interface Health {
  status: string;
  checks: { database: string };
  version: string;
  stage: string;
}

export interface FieldIssue {
  field: string;
  message: string;
}

/** The API answered with an error; `message` is its own words ("Data already exists"). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: FieldIssue[] = [],
    readonly requestId?: string,
  ) {
    super(message);
  }
}

/** No answer at all: the API is down or too slow, the network is gone, or the browser refused the call (CORS). */
export class ApiUnreachableError extends Error {}

export const PAGE_SIZE = 20;
export const REQUEST_TIMEOUT_MS = 10_000;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;
const isInfo = (value: unknown): value is Info =>
  isObject(value) && Number.isInteger(value.id) && typeof value.name === "string";
const isIssue = (value: unknown): value is FieldIssue =>
  isObject(value) && typeof value.field === "string" && typeof value.message === "string";
const isHealth = (value: unknown): value is Health =>
  isObject(value) &&
  typeof value.status === "string" &&
  isObject(value.checks) &&
  typeof value.checks.database === "string" &&
  typeof value.version === "string" &&
  typeof value.stage === "string";

async function jsonOf(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

/** The error an answer stands for, also when a proxy in front of the API sends an HTML page instead of JSON. */
function failure(response: Response, body: unknown): ApiError {
  if (!isObject(body) || typeof body.message !== "string") {
    return new ApiError(response.status, `The API answered ${response.status} ${response.statusText}`.trim());
  }
  const issues = Array.isArray(body.errors) ? body.errors.filter(isIssue) : [];
  const requestId = typeof body.requestId === "string" ? body.requestId : undefined;
  return new ApiError(response.status, body.message, issues, requestId);
}

function expect<T>(body: unknown, valid: (body: unknown) => body is T, response: Response): T {
  if (valid(body)) return body;
  throw new ApiError(response.status, "The API answered in an unexpected shape");
}

/**
 * Where a write's access token comes from, on a stage whose writes need one. Reads never carry it.
 */
export interface TokenProvider {
  /** The access token to send now, if there is one. */
  token(): string | undefined | Promise<string | undefined>;
  /** The API refused `token` (401): a fresh one to retry with once (a silent refresh), or undefined. */
  renew?(): Promise<string | undefined>;
  /** The API refused the write even so: the session is over. */
  rejected?(): void;
}

export interface ApiOptions {
  timeoutMs?: number;
  auth?: TokenProvider;
}

/**
 * A fresh Idempotency-Key: 128 random bits in hex. getRandomValues rather than randomUUID, which a page served over
 * plain HTTP from another machine (`npm start` with HOST=0.0.0.0) does not have.
 */
const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");

/** A typed client of the data API at `baseUrl` ("" for the page's own origin). */
export function createApi(baseUrl: string, { timeoutMs = REQUEST_TIMEOUT_MS, auth }: ApiOptions = {}) {
  // One key per name until it is added: a retry of an add whose answer never came (a timeout, a lost connection,
  // a 503) gets that add's answer, not "Data already exists" for the person's own record.
  const addKeys = new Map<string, string>();

  async function call(path: string, init: RequestInit = {}, token?: string): Promise<Response> {
    try {
      return await fetch(`${baseUrl}${path}`, {
        ...init,
        headers: { accept: "application/json", ...init.headers, ...(token && { authorization: `Bearer ${token}` }) },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ApiUnreachableError(`No answer from the API at ${baseUrl || "this site"}`, { cause: error });
    }
  }

  /** A write, with the access token if there is one; a refused token is renewed and the write retried once. */
  async function write(path: string, init: RequestInit): Promise<Response> {
    if (!auth) return call(path, init);
    const token = await auth.token();
    let response = await call(path, init, token);
    if (response.status !== 401) return response;
    const renewed = token && (await auth.renew?.());
    if (renewed) response = await call(path, init, renewed);
    if (response.status === 401) auth.rejected?.();
    return response;
  }

  async function succeeded(response: Response): Promise<unknown> {
    const body = await jsonOf(response);
    if (!response.ok) throw failure(response, body);
    return body;
  }

  return {
    async list(after?: number, limit = PAGE_SIZE): Promise<Page> {
      const query = new URLSearchParams({ limit: String(limit) });
      if (after !== undefined) query.set("after", String(after));
      const response = await call(`/data?${query}`);
      const body = await succeeded(response);
      const items = expect(body, (value): value is Info[] => Array.isArray(value) && value.every(isInfo), response);
      return { items, next: nextCursor(response.headers.get("link")) };
    },

    async add(name: string): Promise<Info> {
      const key = addKeys.get(name) ?? newKey();
      addKeys.set(name, key);
      const response = await write("/data", {
        method: "POST",
        // The field is an RFC 8941 String: quoted (hex needs no escapes).
        headers: { "content-type": "application/json", "idempotency-key": `"${key}"` },
        body: JSON.stringify({ name }),
      });
      const body = expect(await succeeded(response), isInfo, response);
      addKeys.delete(name);
      return { id: body.id, name: body.name };
    },

    async remove(id: number): Promise<void> {
      await succeeded(await write(`/data/${id}`, { method: "DELETE" }));
    },

    /** The health report; a 503 still carries one (the database is down, the API is not). */
    async health(): Promise<Health> {
      const response = await call("/health");
      const body = await jsonOf(response);
      if (response.status === 503 && isHealth(body)) return body;
      if (!response.ok) throw failure(response, body);
      return expect(body, isHealth, response);
    },
  };
}

export type Api = ReturnType<typeof createApi>;
