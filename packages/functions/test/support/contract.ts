import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";

/**
 * The API's committed OpenAPI document as a contract: every answer the route and handler tests get goes through
 * `checkAnswer` (support/app.ts records the app's, support/events.ts the Lambda handler's), which throws unless the
 * document lists its status for that operation, its headers, and a body schema it validates against (ajv, JSON
 * Schema 2020-12, the dialect of OpenAPI 3.1).
 */

const DOCUMENT_FILE = new URL("../../openapi.json", import.meta.url);
const DOCUMENT_ID = "openapi.json";

type Json = Record<string, unknown>;
interface Header {
  required?: boolean;
  schema: Json;
}
interface Described {
  headers?: Record<string, Header | { $ref: string }>;
  content?: Record<string, { schema: Json }>;
}
interface Operation {
  responses: Record<string, Described | { $ref: string }>;
}

export const openApi = JSON.parse(readFileSync(DOCUMENT_FILE, "utf8")) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; responses: Record<string, Described> };
};

// The whole document is the schema that `$ref`s resolve in; its OpenAPI keywords are none of ajv's business.
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(openApi, DOCUMENT_ID);

const pointer = (ref: string) => ref.slice(2).split("/").map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));

/** What a `#/…` reference of the document points at; anything else is itself. */
export function resolved<T>(value: T | { $ref: string }): T {
  if (typeof value !== "object" || value === null || !("$ref" in value)) return value as T;
  return pointer(value.$ref).reduce<unknown>((node, key) => (node as Json)[key], openApi) as T;
}

const validators = new Map<string, ValidateFunction>();
/** A validator of the schema at `path` in the document, its references resolved there. */
export function validatorAt(path: string[]): ValidateFunction {
  const ref = `${DOCUMENT_ID}#/${path.map((part) => part.replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`;
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    validators.set(ref, validate);
  }
  return validate;
}

/** Where a reference-or-object sits once resolved: its own place when it is no reference. */
const placeOf = (value: unknown, here: string[]) =>
  typeof value === "object" && value !== null && "$ref" in value ? pointer((value as { $ref: string }).$ref) : here;

// What HTTP itself or the host adds: not the API's to document.
const TRANSPORT_HEADERS = new Set(["content-type", "content-length", "date", "connection", "keep-alive", "transfer-encoding"]);

const templates = Object.keys(openApi.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
}));

export interface Answer {
  method: string;
  /** The request's path, without its query. */
  path: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Where in the document the answer to `method` `path` with `status` is described, or why nowhere. */
function describedAt(method: string, path: string, status: number): { at: string[]; name: string } | { missing: string } {
  const template = templates.find(({ pattern }) => pattern.test(path))?.template;
  if (template === undefined) {
    return status === 404 ? { at: ["components", "responses", "NoRoute"], name: "no route" } : { missing: `${status} for a path no route has` };
  }
  const operation = openApi.paths[template]![method.toLowerCase()];
  const name = `${method} ${template}`;
  if (!operation) {
    if (status === 405) return { at: ["components", "responses", "MethodNotAllowed"], name: `${name} (another method)` };
    return { missing: `${status} for ${name}, which no operation has` };
  }
  const response = operation.responses[String(status)];
  if (!response) return { missing: `status ${status} is not listed for ${name}` };
  return { at: placeOf(response, ["paths", template, method.toLowerCase(), "responses", String(status)]), name: `${status} of ${name}` };
}

const errorsOf = (validate: ValidateFunction) => ajv.errorsText(validate.errors, { dataVar: "" });

/** Every way `answer` departs from the document; none when it is described. */
export function contractProblems(answer: Answer): string[] {
  const described = describedAt(answer.method, answer.path, answer.status);
  if ("missing" in described) return [described.missing];
  const { at, name } = described;
  const response = resolved<Described>(at.reduce<unknown>((node, key) => (node as Json)[key], openApi) as Described);
  const problems: string[] = [];

  const received = Object.fromEntries(Object.entries(answer.headers).map(([header, value]) => [header.toLowerCase(), value]));
  const listed = Object.entries(response.headers ?? {}).map(([header, definition]) => ({
    header: header.toLowerCase(),
    definition: resolved<Header>(definition),
    place: placeOf(definition, [...at, "headers", header]),
  }));
  for (const header of Object.keys(received)) {
    if (!TRANSPORT_HEADERS.has(header) && !listed.some((entry) => entry.header === header)) problems.push(`${name}: header ${header} is not listed`);
  }
  for (const { header, definition, place } of listed) {
    const value = received[header];
    if (value === undefined) {
      if (definition.required) problems.push(`${name}: required header ${header} is missing`);
      continue;
    }
    const validate = validatorAt([...place, "schema"]);
    if (!validate(value)) problems.push(`${name}: header ${header}: ${JSON.stringify(value)} ${errorsOf(validate)}`);
  }

  const mediaType = Object.keys(response.content ?? {})[0];
  if (mediaType === undefined) {
    if (answer.body !== "") problems.push(`${name}: a body where the document has none`);
    return problems;
  }
  if (!received["content-type"]?.startsWith(mediaType)) problems.push(`${name}: content-type ${received["content-type"]}, not ${mediaType}`);
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return [...problems, `${name}: the body is not JSON: ${answer.body.slice(0, 100)}`];
  }
  const validate = validatorAt([...at, "content", mediaType, "schema"]);
  if (!validate(body)) problems.push(`${name}: body ${answer.body.slice(0, 200)} ${errorsOf(validate)}`);
  return problems;
}

/** Throws when the document does not describe `answer`. */
export function checkAnswer(answer: Answer): void {
  const problems = contractProblems(answer);
  if (problems.length > 0) throw new Error(`Not as the OpenAPI document says (${answer.method} ${answer.path}):\n${problems.join("\n")}`);
}

/** The answer a web Response stands for, read from a clone (the caller still reads the original). */
export async function answerOf(request: Request, response: Response): Promise<Answer> {
  return {
    method: request.method,
    path: new URL(request.url).pathname,
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.clone().text(),
  };
}
