import createClient from "openapi-fetch";
import type { components, paths } from "./api-schema";
import { nextCursor } from "./link";

// The API's own types, generated from its OpenAPI document (`npm run openapi`): type-only, nothing enters the bundle.
type Schemas = components["schemas"];
export type Info = Pick<Schemas["Record"], "id" | "name">;
export type Health = Schemas["Health"];
export type FieldIssue = NonNullable<Schemas["Problem"]["errors"]>[number];

export interface Page {
  items: Info[];
  /** The `after` cursor of the next page, when there is one. */
  next?: number;
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

// The API's answers are what its document says (its contract tests hold it to that), so a successful one is used
// as typed. What is checked at run time is what may not be the API talking: an error (a gateway, a CDN or API
// Gateway's own authorizer answer for it), a 503 (which proxies send too) and a success that is not JSON at all
// (VITE_API_URL pointing at the web site).
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;
const isIssue = (value: unknown): value is FieldIssue =>
  isObject(value) && typeof value.field === "string" && typeof value.message === "string";
const isHealth = (value: unknown): value is Health =>
  isObject(value) &&
  typeof value.status === "string" &&
  isObject(value.checks) &&
  typeof value.checks.database === "string" &&
  typeof value.version === "string" &&
  typeof value.stage === "string";
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

/** The error an answer stands for, also when a proxy in front of the API sends an HTML page instead of JSON. */
function failure(response: Response, body: unknown): ApiError {
  if (!isObject(body) || typeof body.message !== "string") {
    return new ApiError(response.status, `The API answered ${response.status} ${response.statusText}`.trim());
  }
  const issues = Array.isArray(body.errors) ? body.errors.filter(isIssue) : [];
  const requestId = typeof body.requestId === "string" ? body.requestId : undefined;
  return new ApiError(response.status, body.message, issues, requestId);
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

/** A client of the data API at `baseUrl` ("" for the page's own origin), typed by its OpenAPI document. */
export function createApi(baseUrl: string, { timeoutMs = REQUEST_TIMEOUT_MS, auth }: ApiOptions = {}) {
  // One key per name until it is added: a retry of an add whose answer never came (a timeout, a lost connection,
  // a 503) gets that add's answer, not "Data already exists" for the person's own record.
  const addKeys = new Map<string, string>();

  async function send(request: Request, token?: string): Promise<Response> {
    const headers = new Headers(request.headers);
    if (token) headers.set("authorization", `Bearer ${token}`);
    let response: Response;
    try {
      response = await fetch(new Request(request, { headers, signal: AbortSignal.timeout(timeoutMs) }));
    } catch (error) {
      throw new ApiUnreachableError(`No answer from the API at ${baseUrl || "this site"}`, { cause: error });
    }
    const empty = response.status === 204 || response.headers.get("content-length") === "0";
    if (response.ok && !empty && !JSON_TYPE.test(response.headers.get("content-type") ?? "")) {
      throw new ApiError(response.status, "The API answered in an unexpected shape");
    }
    return response;
  }

  /** Reads go as they are; a write carries the access token if there is one, renewed and retried once when refused. */
  async function call(request: Request): Promise<Response> {
    if (!auth || request.method === "GET") return send(request);
    const token = await auth.token();
    const retry = request.clone();
    let response = await send(request, token);
    if (response.status !== 401) return response;
    const renewed = token && (await auth.renew?.());
    if (renewed) response = await send(retry, renewed);
    if (response.status === 401) auth.rejected?.();
    return response;
  }

  const client = createClient<paths>({ baseUrl, fetch: call, headers: { accept: "application/json" } });

  return {
    async list(after?: number, limit = PAGE_SIZE): Promise<Page> {
      const { data, error, response } = await client.GET("/data", { params: { query: { limit, after } } });
      if (!data) throw failure(response, error);
      return { items: data.map(({ id, name }) => ({ id, name })), next: nextCursor(response.headers.get("link")) };
    },

    async add(name: string): Promise<Info> {
      const key = addKeys.get(name) ?? newKey();
      addKeys.set(name, key);
      // The field is an RFC 8941 String: quoted (hex needs no escapes).
      const { data, error, response } = await client.POST("/data", { body: { name }, params: { header: { "Idempotency-Key": `"${key}"` } } });
      if (!data) throw failure(response, error);
      addKeys.delete(name);
      return { id: data.id, name: data.name };
    },

    async remove(id: number): Promise<void> {
      const { error, response } = await client.DELETE("/data/{id}", { params: { path: { id } } });
      if (!response.ok) throw failure(response, error);
    },

    /** The health report; a 503 still carries one (the database is down, the API is not). */
    async health(): Promise<Health> {
      const { data, error, response } = await client.GET("/health");
      if (response.status === 503 && isHealth(error)) return error;
      if (!data) throw failure(response, error);
      return data;
    },
  };
}

export type Api = ReturnType<typeof createApi>;
