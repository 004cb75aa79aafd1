import { ValidationError, type Issue } from "../error";
import { hasControlCharacters, NAME_MAX_LENGTH, nameLength } from "./name";

export { NAME_MAX_LENGTH } from "./name";
export const PAGE_SIZE_DEFAULT = 100;
export const PAGE_SIZE_MAX = 1000;
/** Upper bound of the `integer` identity column: larger ids cannot exist, so they are rejected as invalid. */
export const ID_MAX = 2_147_483_647;

const DIGITS = /^\d+$/;

// Written by hand rather than with a schema library: these few rules do not need one, and loading zod
// and building its schemas added about 10 ms to every cold start of the function (bench/cold-start.ts).

/** Gathers what is wrong with an input, field by field, to refuse it once with every issue. */
class Issues {
  readonly #found: Issue[] = [];

  /** Notes an issue; the NaN stands in for the value, which `parse` then never lets out. */
  add(field: string, message: string): number {
    this.#found.push({ field, message });
    return Number.NaN;
  }

  get found(): readonly Issue[] {
    return this.#found;
  }
}

/**
 * Reads one kind of input into `T`, noting its issues; `root` names the input itself when that is wrong.
 * What it returns alongside an issue is a placeholder that `parse` never lets out.
 */
export type Schema<T, Input = unknown> = (input: Input, issues: Issues, root: string) => T;

function positiveInteger(issues: Issues, field: string, name: string, text: string, max: number): number {
  if (!DIGITS.test(text)) return issues.add(field, `${name} must be a positive integer`);
  const value = Number(text);
  return value >= 1 && value <= max ? value : issues.add(field, `${name} must be between 1 and ${max}`);
}

function cursor(issues: Issues, text: string): number {
  if (!DIGITS.test(text)) return issues.add("after", "after must be a non-negative integer");
  const value = Number(text);
  return value <= ID_MAX ? value : issues.add("after", `after must be at most ${ID_MAX}`);
}

export interface CreateInput {
  name: string;
}

/** A JSON object whose `name` is trimmed, not blank, at most 100 characters and free of control characters. */
export const CreateInput: Schema<CreateInput> = (input, issues, root) => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    issues.add(root, "body must be a JSON object");
    return { name: "" };
  }
  const { name } = input as { name?: unknown };
  if (typeof name !== "string") {
    issues.add("name", name === undefined ? "name is required" : "name must be a string");
    return { name: "" };
  }
  const trimmed = name.trim();
  if (trimmed.length === 0) issues.add("name", "name must not be blank");
  if (nameLength(trimmed) > NAME_MAX_LENGTH) issues.add("name", `name must be at most ${NAME_MAX_LENGTH} characters`);
  if (hasControlCharacters(trimmed)) issues.add("name", "name must not contain control characters");
  return { name: trimmed };
};

export interface ListInput {
  limit: number;
  /** Only ids after this one. */
  after?: number;
}

/** A page size (`limit`, 100 unless given) and a keyset cursor (`after`), from a query string. */
export const ListInput: Schema<ListInput, Record<string, string | undefined>> = ({ limit, after }, issues) => {
  return {
    limit: limit === undefined ? PAGE_SIZE_DEFAULT : positiveInteger(issues, "limit", "limit", limit, PAGE_SIZE_MAX),
    ...(after === undefined ? {} : { after: cursor(issues, after) }),
  };
};

/** A record id, as a path gives it. */
export const Id: Schema<number, string> = (input, issues, root) => positiveInteger(issues, root, "id", input, ID_MAX);

/** Reads `input` with `schema`, or throws a ValidationError that names every issue by field. */
export function parse<T, Input>(schema: Schema<T, Input>, input: Input, root = "body"): T {
  const issues = new Issues();
  const value = schema(input, issues, root);
  if (issues.found.length > 0) throw new ValidationError([...issues.found]);
  return value;
}
