import * as v from "valibot";
import { ValidationError } from "../error";
import { NAME_MAX_LENGTH, readName, type NameProblem } from "./name";

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

const NAME_MESSAGES: Record<NameProblem, string> = {
  not_well_formed: "name must be well-formed Unicode text",
  replacement_character: "name must not contain U+FFFD, the replacement character: the text was damaged before it was sent",
  blank: "name must not be blank",
  invisible: "name must not be blank: it has only invisible characters",
  too_long: `name must be at most ${NAME_MAX_LENGTH} characters`,
  control_characters: "name must not contain control characters",
};

/** The stored form of a name (NFC, trimmed), or one issue per rule it breaks. */
const storedName = v.rawTransform<string, string>(({ dataset, addIssue, NEVER }) => {
  const reading = readName(dataset.value);
  if (reading.ok) return reading.name;
  for (const problem of reading.problems) addIssue({ message: NAME_MESSAGES[problem] });
  return NEVER;
});

/** A JSON object whose `name` follows the rules of ./name.ts; the output holds the name as it is stored. */
export const CreateInput = v.pipe(
  v.unknown(),
  v.check(isJsonObject, "body must be a JSON object"),
  v.object(
    { name: v.pipe(v.string("name must be a string"), storedName) },
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
