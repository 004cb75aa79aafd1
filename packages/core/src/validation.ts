import * as v from "valibot";
import { ValidationError } from "./error";

// Valibot rather than zod: its schemas are plain functions, so building them costs nothing measurable at a
// cold start, where zod's cost about 10 ms (bench/cold-start.ts), and only what is used ends up in the bundle.

const DIGITS = /^\d+$/;

// Each parameter pipe names its output after the transform (`v.number()`, which digits always pass) and its range
// with `minValue`/`maxValue`, so that the API's OpenAPI document (scripts/openapi.ts) reads the parameter's type and
// bounds from the very schema that checks it. Decimal digits are always an integer (or, past 308 of them,
// Infinity, which the range refuses): a `v.integer()` could only add a second issue, so the type is metadata.
const INTEGER = v.metadata<number, { type: "integer" }>({ type: "integer" });

/** An integer from 1 to `max`, written in decimal digits (a query or path parameter). */
export const positiveInteger = (name: string, max: number) =>
  v.pipe(
    v.string(`${name} must be a positive integer`),
    v.regex(DIGITS, `${name} must be a positive integer`),
    v.transform(Number),
    v.number(),
    INTEGER,
    v.minValue(1, `${name} must be between 1 and ${max}`),
    v.maxValue(max, `${name} must be between 1 and ${max}`),
  );

/** An integer from 0 to `max`, written in decimal digits. */
export const nonNegativeInteger = (name: string, max: number) =>
  v.pipe(
    v.string(),
    v.regex(DIGITS, `${name} must be a non-negative integer`),
    v.transform(Number),
    v.number(),
    INTEGER,
    v.minValue(0, `${name} must be a non-negative integer`),
    v.maxValue(max, `${name} must be at most ${max}`),
  );

const isJsonObject = (input: unknown) => typeof input === "object" && input !== null && !Array.isArray(input);

/** A JSON request body that must be an object with `entries`; a missing key is named as required. */
export const jsonObject = <const Entries extends v.ObjectEntries>(entries: Entries) =>
  v.pipe(
    v.unknown(),
    v.check(isJsonObject, "body must be a JSON object"),
    // Only a missing key reaches the object's own message: the check above has already refused non-objects.
    v.object(entries, (issue) => `${v.getDotPath(issue)} is required`),
  );

/** Reads `input` with `schema`, or throws a ValidationError that names every issue by field (`root` for the input itself). */
export function parse<const Schema extends v.GenericSchema>(schema: Schema, input: unknown, root = "body"): v.InferOutput<Schema> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw new ValidationError(result.issues.map((issue) => ({ field: v.getDotPath(issue) ?? root, message: issue.message })));
}
