import * as v from "valibot";
import { jsonObject, nonNegativeInteger, parse, positiveInteger } from "../validation";
import { NAME_MAX_LENGTH, NAME_PATTERN, readName, type NameProblem } from "./name";

export const PAGE_SIZE_DEFAULT = 100;
export const PAGE_SIZE_MAX = 1000;
/** Upper bound of the `integer` identity column: larger ids cannot exist, so they are rejected as invalid. */
export const ID_MAX = 2_147_483_647;

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

/**
 * What the API's document says of a name (storedName's rules cannot be read from a function): the same rules as a
 * pattern, and the length, which the stored form can only shorten (NFC composes, trimming removes).
 */
const NAME_DOCUMENTED = v.metadata<string, Record<string, unknown>>({
  minLength: 1,
  maxLength: NAME_MAX_LENGTH,
  pattern: NAME_PATTERN,
  description: `1 to ${NAME_MAX_LENGTH} characters once stored (NFC, trimmed), something visible among them, no control characters or U+FFFD; unique.`,
  examples: ["Ada Lovelace"],
});

/** The body of a create: a JSON object whose `name` follows the rules of ./name.ts, output as it is stored. */
export const CreateBody = jsonObject({ name: v.pipe(v.string("name must be a string"), NAME_DOCUMENTED, storedName) });
export type CreateInput = v.InferOutput<typeof CreateBody>;

/** The query of a list: a page size (`limit`, 100 unless given) and a keyset cursor (`after`: only ids after it). */
export const ListQuery = v.object({
  limit: v.optional(positiveInteger("limit", PAGE_SIZE_MAX), String(PAGE_SIZE_DEFAULT)),
  after: v.optional(nonNegativeInteger("after", ID_MAX)),
});
export type ListInput = v.InferOutput<typeof ListQuery>;

// ListQuery's defaults, read once: read anew for every empty query, they cost each call 46K instructions
// (bench:instructions), 2% of a warm invocation.
const LIST_DEFAULTS: Readonly<ListInput> = Object.freeze(v.parse(ListQuery, {}));

/** A list's query (its parameters by name) as ListQuery reads it; an empty one, the first page's, is its defaults. */
export const listInput = (query: Record<string, string>): ListInput =>
  Object.keys(query).length === 0 ? LIST_DEFAULTS : parse(ListQuery, query);

/** A record id, as a path gives it. */
export const IdParam = positiveInteger("id", ID_MAX);
