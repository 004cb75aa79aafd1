import { WRITE_SCOPE } from "@data-api/core/access";
import { Data } from "@data-api/core/data";
import { Idempotency } from "@data-api/core/idempotency";
import { toJsonSchema, type ConversionConfig, type JsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import { CHALLENGE, MESSAGES } from "../../packages/functions/src/access/caller";
import { BARE_KEY, SF_STRING } from "../../packages/functions/src/http/idempotency-key";
import { BODY_LIMIT_BYTES } from "../../packages/functions/src/http/json-body";
import { CORRELATION_HEADER, CORRELATION_ID, REQUEST_ID_HEADER } from "../../packages/functions/src/observability/observe";

/**
 * The API's OpenAPI 3.1 document, built from the valibot schemas that validate its requests (packages/core) and
 * from schemas of its answers declared here, with @valibot/to-json-schema. Build-time only: `npm run openapi`
 * writes it to packages/functions/openapi.json, which the function ships beside its bundle; nothing here may be
 * imported by the app (packages/functions/test/bundle.test.ts).
 */

// A request schema's pipes transform (digits to a number, a name to its stored form): the document describes what
// they output, and what the transforms and checks in code enforce is stated by each schema's metadata.
const SCHEMA_CONFIG: ConversionConfig = {
  target: "draft-2020-12",
  typeMode: "output",
  overrideAction: ({ valibotAction, jsonSchema }) =>
    ["transform", "raw_transform", "check"].includes(valibotAction.type) ? jsonSchema : undefined,
};

function jsonSchema(schema: v.GenericSchema): JsonSchema {
  const { $schema: _dialect, ...converted } = toJsonSchema(schema, SCHEMA_CONFIG);
  return converted;
}

// The answers. Strict: a field the document does not list fails the contract tests.
const id = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Data.ID_MAX));
const answers = {
  Record: v.strictObject({
    id,
    name: v.string(),
    createdBy: v.optional(
      v.pipe(
        v.nullable(v.string()),
        v.description("Who created the record (the token's `sub`), null when nobody signed in; only where the stage exposes it (EXPOSE_CREATED_BY)."),
      ),
    ),
  }),
  Created: v.strictObject({ message: v.literal(Data.MESSAGES.inserted), id, name: v.string() }),
  Deleted: v.strictObject({ message: v.literal(Data.MESSAGES.deleted) }),
  Health: v.strictObject({
    status: v.picklist(["ok", "error"]),
    checks: v.strictObject({ database: v.picklist(["ok", "unreachable", "read-only", "locked"]) }),
    version: v.string(),
    stage: v.string(),
  }),
  Problem: v.pipe(
    v.strictObject({
      message: v.string(),
      errors: v.optional(v.array(v.strictObject({ field: v.string(), message: v.string() }))),
      requestId: v.optional(v.pipe(v.string(), v.description("On a 500: the request to look for in the logs."))),
    }),
    v.description("Every error answer: a `message` (the Flask app's words where it had one), `errors` by field for a validation error."),
  ),
} satisfies Record<string, v.GenericSchema>;

const ref = (kind: "schemas" | "responses" | "headers" | "parameters", name: string) => ({ $ref: `#/components/${kind}/${name}` });
const JSON_TYPE = "application/json";

/** Headers every answer carries. */
const COMMON_HEADERS = {
  [CORRELATION_HEADER]: ref("headers", "CorrelationId"),
  [REQUEST_ID_HEADER]: ref("headers", "RequestId"),
  "X-Content-Type-Options": ref("headers", "NoSniff"),
  "Cache-Control": ref("headers", "CacheControl"),
};

const problemContent = (examples: Record<string, object>) => ({
  [JSON_TYPE]: {
    schema: ref("schemas", "Problem"),
    examples: Object.fromEntries(Object.entries(examples).map(([name, value]) => [name, { value }])),
  },
});

function problemResponse(description: string, examples: Record<string, object>, headers: Record<string, object> = {}) {
  return { description, headers: { ...COMMON_HEADERS, ...headers }, content: problemContent(examples) };
}

function okResponse(description: string, schema: object, example: unknown, headers: Record<string, object> = {}) {
  return { description, headers: { ...COMMON_HEADERS, ...headers }, content: { [JSON_TYPE]: { schema, example } } };
}

const validation = (field: string, message: string) => ({ message, errors: [{ field, message }] });

/** The answers of a write refused by its token, or for the lack of one. */
const WRITE_REFUSALS = {
  "401": problemResponse(
    "No token, or one that is not valid (expired, another issuer or audience, a bad signature), where the stage's writes are signed-in. In the cloud a missing or invalid token is refused by API Gateway's JWT authorizer, with its own 401 `{\"message\":\"Unauthorized\"}`.",
    { missing: { message: MESSAGES.signIn }, invalid: { message: "The access token has expired: sign in again" } },
    { "WWW-Authenticate": { ...ref("headers", "WWWAuthenticate"), required: true } },
  ),
  "403": problemResponse(
    `A valid token without the \`${WRITE_SCOPE.full}\` scope.`,
    { noScope: { message: MESSAGES.noWriteScope } },
    { "WWW-Authenticate": { ...ref("headers", "WWWAuthenticate"), required: true } },
  ),
};

const SERVER_ERRORS = { "500": ref("responses", "InternalError"), "503": ref("responses", "DatabaseUnavailable") };

/** ListQuery's keys as query parameters, with the defaults its pipes produce. */
function queryParameters(schema: v.ObjectSchema<v.ObjectEntries, undefined>, descriptions: Record<string, string>) {
  const converted = jsonSchema(schema) as { properties: Record<string, JsonSchema>; required?: string[] };
  const defaults: Record<string, unknown> = v.parse(schema, {});
  return Object.entries(converted.properties).map(([name, property]) => ({
    name,
    in: "query",
    required: converted.required?.includes(name) ?? false,
    description: descriptions[name],
    schema: { ...property, ...(defaults[name] !== undefined && { default: defaults[name] }) },
  }));
}

const IDEMPOTENCY = { inProgress: Idempotency.MESSAGES.inProgress, reused: Idempotency.MESSAGES.otherBody };

export function openApiDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "data-api",
      version: "1.0.0",
      summary: "Named records you can create, list and delete, and a health check.",
      description: [
        "Compatible with the Flask app it replaces: the same paths, status codes and `message` strings; extra fields are added.",
        "",
        "Every answer is JSON with `X-Content-Type-Options: nosniff`, `Cache-Control: no-store` (but this document's own) and the request's `x-correlation-id`.",
        "A path no route has is answered 404 (`components.responses.NoRoute`); a route asked with another method 405 with `Allow` (`components.responses.MethodNotAllowed`).",
        "Reads are public. Writes are public where the stage's `WRITES` is `public`; where it is `signed-in` they need a bearer access token with the `data/write` scope.",
      ].join("\n"),
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    tags: [
      { name: "records", description: "The named records." },
      { name: "service", description: "The service itself: its health and this document." },
    ],
    paths: {
      "/data": {
        get: {
          operationId: "listRecords",
          tags: ["records"],
          summary: "List records, ordered by id, a page at a time",
          parameters: [
            ...queryParameters(Data.ListQuery, {
              limit: `Records per page, ${Data.PAGE_SIZE_DEFAULT} unless given (at most ${Data.PAGE_SIZE_MAX}).`,
              after: "Only records whose id is greater: the cursor the `Link` header of the previous page gives.",
            }),
            ref("parameters", "CorrelationId"),
          ],
          responses: {
            "200": okResponse(
              "A page of records.",
              { type: "array", items: ref("schemas", "Record") },
              [{ id: 1, name: "Ada Lovelace" }, { id: 2, name: "Grace Hopper" }],
              { Link: ref("headers", "Link") },
            ),
            "400": problemResponse("A `limit` or `after` out of range or not an integer.", {
              limit: validation("limit", `limit must be between 1 and ${Data.PAGE_SIZE_MAX}`),
            }),
            ...SERVER_ERRORS,
          },
        },
        post: {
          operationId: "createRecord",
          tags: ["records"],
          summary: "Add a record",
          security: [{ bearer: [WRITE_SCOPE.full] }, {}],
          parameters: [ref("parameters", "IdempotencyKey"), ref("parameters", "CorrelationId")],
          requestBody: {
            required: true,
            description: `A JSON object, UTF-8, uncompressed, at most ${BODY_LIMIT_BYTES / 1024} KiB.`,
            content: { [JSON_TYPE]: { schema: ref("schemas", "CreateBody"), example: { name: "Ada Lovelace" } } },
          },
          responses: {
            "200": okResponse("Stored; its id and the name as stored (NFC, trimmed).", ref("schemas", "Created"), {
              message: Data.MESSAGES.inserted,
              id: 1,
              name: "Ada Lovelace",
            }),
            "400": problemResponse("The name breaks a rule, or the body is not a JSON object, not JSON or not UTF-8, or the Idempotency-Key is malformed.", {
              blank: validation("name", "name must not be blank"),
              missing: validation("name", "name is required"),
              notJson: { message: "Request body is not valid JSON" },
            }),
            ...WRITE_REFUSALS,
            "409": problemResponse("A record of that name exists; or a request with the same Idempotency-Key is still being answered.", {
              exists: { message: Data.MESSAGES.exists },
              inProgress: { message: IDEMPOTENCY.inProgress },
            }),
            "413": problemResponse(`A body over ${BODY_LIMIT_BYTES / 1024} KiB.`, {
              tooLarge: { message: `Request body must be at most ${BODY_LIMIT_BYTES / 1024} KiB` },
            }),
            "415": problemResponse(
              "Not JSON, a charset other than UTF-8, or a Content-Encoding (then `Accept-Encoding: identity`).",
              { notJson: { message: "Content-Type must be application/json" } },
              { "Accept-Encoding": ref("headers", "AcceptEncoding") },
            ),
            "422": problemResponse("The Idempotency-Key was already used with another body.", { reused: { message: IDEMPOTENCY.reused } }),
            ...SERVER_ERRORS,
          },
        },
      },
      "/data/{id}": {
        delete: {
          operationId: "deleteRecord",
          tags: ["records"],
          summary: "Delete a record",
          security: [{ bearer: [WRITE_SCOPE.full] }, {}],
          parameters: [
            { name: "id", in: "path", required: true, description: "The record's id.", schema: jsonSchema(Data.IdParam), example: 1 },
            ref("parameters", "CorrelationId"),
          ],
          responses: {
            "200": okResponse("Deleted.", ref("schemas", "Deleted"), { message: Data.MESSAGES.deleted }),
            "400": problemResponse("An id that is not an integer from 1 to 2147483647.", {
              range: validation("id", `id must be between 1 and ${Data.ID_MAX}`),
            }),
            ...WRITE_REFUSALS,
            "404": problemResponse("No record has that id.", { missing: { message: Data.MESSAGES.notFound } }),
            ...SERVER_ERRORS,
          },
        },
      },
      "/health": {
        get: {
          operationId: "getHealth",
          tags: ["service"],
          summary: "Whether the records can be served",
          parameters: [ref("parameters", "CorrelationId")],
          responses: {
            "200": okResponse("The database answers and takes writes.", ref("schemas", "Health"), {
              status: "ok",
              checks: { database: "ok" },
              version: "1.2.3",
              stage: "prod",
            }),
            "503": okResponse("The database is unreachable, read-only or locked: requests would fail.", ref("schemas", "Health"), {
              status: "error",
              checks: { database: "unreachable" },
              version: "1.2.3",
              stage: "prod",
            }),
            "500": ref("responses", "InternalError"),
          },
        },
      },
      "/openapi.json": {
        get: {
          operationId: "getOpenApiDocument",
          tags: ["service"],
          summary: "This document",
          parameters: [ref("parameters", "CorrelationId")],
          responses: {
            "200": {
              description: "The OpenAPI 3.1 document of the API; public and cacheable.",
              headers: COMMON_HEADERS,
              content: { [JSON_TYPE]: { schema: { type: "object", required: ["openapi", "paths"] } } },
            },
            "500": ref("responses", "InternalError"),
          },
        },
      },
    },
    components: {
      schemas: {
        CreateBody: jsonSchema(Data.CreateBody),
        ...Object.fromEntries(Object.entries(answers).map(([name, schema]) => [name, jsonSchema(schema)])),
      },
      parameters: {
        CorrelationId: {
          name: CORRELATION_HEADER,
          in: "header",
          required: false,
          description: "Ties the request to its log lines; echoed in the answer. Anything else than 1 to 128 of `A-Za-z0-9_.:/+=-` is replaced by the request id.",
          schema: { type: "string", pattern: CORRELATION_ID.source },
        },
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description: [
            "Makes the write safe to retry (IETF httpapi draft): the same key with the same body within 24 hours gets the first answer (status and body) without a second insert;",
            `while the first is still being answered, 409 "${IDEMPOTENCY.inProgress}"; the same key with another body, 422 "${IDEMPOTENCY.reused}". One key per intended write, e.g. a UUID.`,
            `The field is an RFC 8941 String ("…", as the draft says) or the key bare; the key is 1 to ${Idempotency.KEY_MAX_LENGTH} characters of printable ASCII.`,
            `Without it a retry of a write that was stored gets 409 "${Data.MESSAGES.exists}".`,
          ].join(" "),
          // The field as sent: an RFC 8941 String, or the bare key many clients send; the key inside is 1 to KEY_MAX_LENGTH characters.
          schema: { type: "string", pattern: `(${SF_STRING.source})|(${BARE_KEY.source})` },
          example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"',
        },
      },
      headers: {
        CorrelationId: {
          description: "The request's `x-correlation-id`, or its request id.",
          required: true,
          schema: { type: "string", pattern: CORRELATION_ID.source },
        },
        RequestId: { description: "The request's id (API Gateway's in the cloud).", required: true, schema: { type: "string" } },
        NoSniff: { description: "No browser renders an answer as anything but JSON.", required: true, schema: { const: "nosniff" } },
        CacheControl: {
          description: "`no-store` on every answer but this document's.",
          required: true,
          schema: { type: "string" },
        },
        Link: {
          description: "The next page, relative to the request (RFC 8288), when there is one.",
          schema: { type: "string", pattern: '^</data\\?[^>]*after=\\d+[^>]*>; rel="next"$' },
          example: '</data?limit=20&after=20>; rel="next"',
        },
        Allow: { description: "The methods the path takes.", required: true, schema: { type: "string" }, example: "GET, POST" },
        WWWAuthenticate: {
          description: "RFC 6750: why the write was refused.",
          schema: { type: "string", enum: Object.values(CHALLENGE) },
        },
        AcceptEncoding: { description: "On a refused Content-Encoding: the only coding taken.", schema: { const: "identity" } },
      },
      responses: {
        InternalError: problemResponse("Something unexpected: never a stack trace, the request id to look for.", {
          internal: { message: "Internal server error", requestId: "JKJaXmPLvHcESHA=" },
        }),
        DatabaseUnavailable: problemResponse(
          "The database did not answer in time, or is read-only, locked or full. A write may or may not have happened: read before retrying, or retry with the same Idempotency-Key.",
          { unavailable: { message: "Database unavailable" } },
        ),
        NoRoute: problemResponse("No route has this path.", { noRoute: { message: "No route for GET /prod/data" } }),
        MethodNotAllowed: problemResponse(
          "The path's route takes other methods.",
          { wrongMethod: { message: "Method PUT is not allowed on /data; use GET, POST" } },
          { Allow: ref("headers", "Allow") },
        ),
      },
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: `An access token of the stage's issuer (its Cognito user pool), for the API's audience, with the \`${WRITE_SCOPE.full}\` scope. Only where the stage's writes are signed-in; elsewhere writes are anonymous.`,
        },
      },
    },
  };
}

/** The document as `npm run openapi` writes it. */
export const documentText = () => `${JSON.stringify(openApiDocument(), null, 2)}\n`;
