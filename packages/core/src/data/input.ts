import { ValidationError, type Issue } from "../error";

export const NAME_MAX_LENGTH = 100;
export const PAGE_SIZE_DEFAULT = 100;
export const PAGE_SIZE_MAX = 1000;
/** Upper bound of the `integer` identity column: larger ids cannot exist, so they are rejected as invalid. */
export const ID_MAX = 2_147_483_647;

// C0 and C1 control characters, DEL included.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/u;
const DIGITS = /^\d+$/;

// varchar(100) counts code points, so an emoji is one character here too, not two UTF-16 units.
const codePointLength = (text: string) => [...text].length;

export interface CreateInput {
  name: string;
}

export interface ListInput {
  limit: number;
  /** Only ids after this one. */
  after?: number;
}

// Hand-written rather than a schema library: these few rules do not need one, and loading zod and
// building its schemas added about 10 ms to every cold start of the function (see bench/cold-start.ts).

/** Gathers what is wrong with an input, field by field, to refuse it once with every issue. */
class Issues {
  readonly #found: Issue[] = [];

  /** Notes an issue; the NaN stands in for the value, which `check` then never lets out. */
  add(field: string, message: string): number {
    this.#found.push({ field, message });
    return Number.NaN;
  }

  /** Returns `value` when nothing was found, throws a ValidationError naming every issue otherwise. */
  check<T>(value: T): T {
    if (this.#found.length > 0) throw new ValidationError(this.#found);
    return value;
  }
}

const invalid = (field: string, message: string) => new ValidationError([{ field, message }]);

function positiveInteger(issues: Issues, field: string, text: string, max: number): number {
  if (!DIGITS.test(text)) return issues.add(field, `${field} must be a positive integer`);
  const value = Number(text);
  return value >= 1 && value <= max ? value : issues.add(field, `${field} must be between 1 and ${max}`);
}

function cursor(issues: Issues, text: string): number {
  if (!DIGITS.test(text)) return issues.add("after", "after must be a non-negative integer");
  const value = Number(text);
  return value <= ID_MAX ? value : issues.add("after", `after must be at most ${ID_MAX}`);
}

/** The body of a create request: a JSON object whose `name` is trimmed, not blank, short and printable. */
export function parseCreateInput(body: unknown): CreateInput {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid("body", "body must be a JSON object");
  const { name } = body as { name?: unknown };
  if (typeof name !== "string") throw invalid("name", name === undefined ? "name is required" : "name must be a string");
  const trimmed = name.trim();
  const issues = new Issues();
  if (trimmed.length === 0) issues.add("name", "name must not be blank");
  if (codePointLength(trimmed) > NAME_MAX_LENGTH) issues.add("name", `name must be at most ${NAME_MAX_LENGTH} characters`);
  if (CONTROL_CHARACTERS.test(trimmed)) issues.add("name", "name must not contain control characters");
  return issues.check({ name: trimmed });
}

/** The query of a list request: a page size (`limit`) and a keyset cursor (`after`). */
export function parseListInput(query: Record<string, string | undefined>): ListInput {
  const issues = new Issues();
  const limit = query.limit === undefined ? PAGE_SIZE_DEFAULT : positiveInteger(issues, "limit", query.limit, PAGE_SIZE_MAX);
  const after = query.after === undefined ? {} : { after: cursor(issues, query.after) };
  return issues.check({ limit, ...after });
}

/** A record id from a path. */
export function parseId(text: string): number {
  const issues = new Issues();
  return issues.check(positiveInteger(issues, "id", text, ID_MAX));
}
