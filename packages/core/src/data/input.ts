import * as v from "valibot";
import { ValidationError } from "../error";
import { hasControlCharacters, NAME_MAX_LENGTH, nameLength } from "./name";

export { NAME_MAX_LENGTH } from "./name";
export const PAGE_SIZE_DEFAULT = 100;
export const PAGE_SIZE_MAX = 1000;
/** Upper bound of the `integer` identity column: larger ids cannot exist, so they are rejected as invalid. */
export const ID_MAX = 2_147_483_647;

// Valibot rather than zod: its schemas are plain functions, so building them costs nothing measurable at a
// cold start, where zod's cost about 10 ms (bench/cold-start.ts), and only what is used ends up in the bundle.

const DIGITS = /^\d+$/;

const positiveInteger = (name: string, max: number) =>
  v.pipe(
    v.string(`${name} must be a positive integer`),
    v.regex(DIGITS, `${name} must be a positive integer`),
    v.transform(Number),
    v.check((value) => value >= 1 && value <= max, `${name} must be between 1 and ${max}`),
  );

const isJsonObject = (input: unknown) => typeof input === "object" && input !== null && !Array.isArray(input);

/** A JSON object whose `name` is trimmed, not blank, at most 100 characters and free of control characters. */
export const CreateInput = v.pipe(
  v.unknown(),
  v.check(isJsonObject, "body must be a JSON object"),
  v.object(
    {
      name: v.pipe(
        v.string("name must be a string"),
        v.trim(),
        v.check((name) => name.length > 0, "name must not be blank"),
        v.check((name) => nameLength(name) <= NAME_MAX_LENGTH, `name must be at most ${NAME_MAX_LENGTH} characters`),
        v.check((name) => !hasControlCharacters(name), "name must not contain control characters"),
      ),
    },
    // Only a missing key reaches the object's own message: the check above has already refused non-objects.
    (issue) => `${v.getDotPath(issue)} is required`,
  ),
);
export type CreateInput = v.InferOutput<typeof CreateInput>;

/** A page size (`limit`, 100 unless given) and a keyset cursor (`after`: only ids after it), from a query string. */
export const ListInput = v.object({
  limit: v.optional(positiveInteger("limit", PAGE_SIZE_MAX), String(PAGE_SIZE_DEFAULT)),
  after: v.optional(
    v.pipe(
      v.string(),
      v.regex(DIGITS, "after must be a non-negative integer"),
      v.transform(Number),
      v.check((value) => value <= ID_MAX, `after must be at most ${ID_MAX}`),
    ),
  ),
});
export type ListInput = v.InferOutput<typeof ListInput>;

/** A record id, as a path gives it. */
export const Id = positiveInteger("id", ID_MAX);

/** Reads `input` with `schema`, or throws a ValidationError that names every issue by field (`root` for the input itself). */
export function parse<const Schema extends v.GenericSchema>(
  schema: Schema,
  input: unknown,
  root = "body",
): v.InferOutput<Schema> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  throw new ValidationError(
    result.issues.map((issue) => ({ field: v.getDotPath(issue) ?? root, message: issue.message })),
  );
}
