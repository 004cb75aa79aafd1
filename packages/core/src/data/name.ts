/**
 * The rules of a record's name. Free of dependencies so that the web page bundles the very same rules
 * the API enforces, and its form can refuse a bad name before asking the server.
 */
export const NAME_MAX_LENGTH = 100;

/** Why a name is refused, most fundamental first. */
export type NameProblem =
  | "not_well_formed"
  | "replacement_character"
  | "blank"
  | "invisible"
  | "too_long"
  | "control_characters";

export type NameReading = { ok: true; name: string } | { ok: false; problems: NameProblem[] };

// A lone surrogate (what the JSON escape "\ud800" decodes to) is no character: PostgreSQL cannot store it and
// the driver would send U+FFFD instead. A regex rather than String.prototype.isWellFormed, which the page's
// ES2022 target does not promise.
const LONE_SURROGATE = /\p{Surrogate}/u;

// A decoder puts U+FFFD where it met bytes that were not text: such a name was damaged before it reached us.
const REPLACEMENT_CHARACTER = "\ufffd";

// C0 and C1 control characters, DEL included.
const CONTROL = String.raw`\u0000-\u001f\u007f-\u009f`;
const CONTROL_CHARACTERS = new RegExp(`[${CONTROL}]`, "u");

// Characters that show nothing on their own: spaces, format characters (zero-width space, joiners, soft hyphen,
// BOM), default-ignorables (Hangul fillers, variation selectors) and combining marks with no base to sit on.
const INVISIBLE = String.raw`\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Mn}\p{Me}`;
const INVISIBLE_ONLY = new RegExp(`^[${INVISIBLE}]+$`, "u");

/**
 * The rules below but the length, as one JSON Schema pattern (ECMA-262 with the `u` flag), built from the same
 * character classes: something visible, no control character, lone surrogate or U+FFFD. For the API's document,
 * where a client can check a name before sending it.
 */
export const NAME_PATTERN = `^(?![${INVISIBLE}]*$)[^${CONTROL}\\p{Surrogate}\\ufffd]*$`;

// varchar(100) counts code points, so an emoji is one character here too, not two UTF-16 units.
export const nameLength = (name: string) => [...name].length;

/**
 * The form a name is compared and stored in: canonically composed (NFC), so that "Zoé" typed with one code point
 * or as "e" plus a combining accent is one name, then trimmed. Nothing else is removed: what is left is judged.
 */
export const normalizeName = (input: string) => input.normalize("NFC").trim();

const refused = (...problems: NameProblem[]): NameReading => ({ ok: false, problems });

/** The name to store for `input`, or every reason it cannot be one. */
export function readName(input: string): NameReading {
  // Text that is not text, or already mangled, is not worth judging further.
  if (LONE_SURROGATE.test(input)) return refused("not_well_formed");
  const name = normalizeName(input);
  if (name.includes(REPLACEMENT_CHARACTER)) return refused("replacement_character");
  if (name === "") return refused("blank");
  if (INVISIBLE_ONLY.test(name)) return refused("invisible");
  const problems: NameProblem[] = [];
  if (nameLength(name) > NAME_MAX_LENGTH) problems.push("too_long");
  if (CONTROL_CHARACTERS.test(name)) problems.push("control_characters");
  return problems.length === 0 ? { ok: true, name } : refused(...problems);
}
