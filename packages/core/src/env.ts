import * as v from "valibot";

/**
 * Valibot schemas for settings read from environment variables. `envReader` hands each schema the trimmed
 * value, or undefined when it is unset or blank, so a schema only says what a given value must be and what
 * an absent one defaults to. Callers build their readers once, at module level: a cold start pays for it once.
 */

type Env = Record<string, string | undefined>;

/** A setting's schema: it reads the trimmed text of a variable, undefined when unset or blank. */
type Setting = v.GenericSchema<string | undefined, unknown>;

// Messages leave out the variable's name, which `envReader` puts in front: valibot adds the issue's path
// only after the message is made.
const refused = (rule: string) => (issue: v.BaseIssue<unknown>) => `must be ${rule}, not "${String(issue.input)}"`;

/** Text, or `fallback` when not given. */
export const text = (fallback: string) => v.optional(v.string(), fallback);

/** Text, or undefined when not given. */
export const optionalText = v.optional(v.string());

/** An integer from `min` to `max`, or `fallback` when not given. */
export const integer = (min: number, max: number, fallback: number) =>
  v.optional(
    v.pipe(
      v.string(),
      v.check((given) => {
        const value = Number(given);
        return Number.isInteger(value) && value >= min && value <= max;
      }, refused(`an integer from ${min} to ${max}`)),
      v.transform(Number),
    ),
    String(fallback),
  );

const oneOf = <const T extends string>(choices: readonly T[]) =>
  v.pipe(
    v.string(),
    v.transform((given) => choices.find((choice) => choice.toLowerCase() === given.toLowerCase()) ?? given),
    v.picklist(choices, refused(`one of ${choices.join(", ")}`)),
  );

/** One of `choices`, whatever the case it is written in; undefined when not given. */
export const choice = <const T extends string>(choices: readonly T[]) => v.optional(oneOf(choices));

/** An absolute http or https URL, kept as written; undefined when not given. */
export const optionalUrl = v.optional(
  v.pipe(
    v.string(),
    v.check((given) => URL.canParse(given) && /^https?:$/.test(new URL(given).protocol), refused("an http or https URL")),
  ),
);

/** A comma-separated list of non-empty items, each trimmed; undefined when not given. */
export const optionalList = v.optional(
  v.pipe(
    v.string(),
    v.transform((given) => given.split(",").map((item) => item.trim())),
    v.check((items) => items.every((item) => item !== ""), refused("a comma-separated list without empty items")),
  ),
);

/** `true`/`1` or `false`/`0`, in any case; false when not given. */
export const flag = v.optional(
  v.pipe(
    oneOf(["true", "false", "1", "0"]),
    v.transform((value) => value === "true" || value === "1"),
  ),
  "false",
);

/**
 * The environment variables of a group of settings, as its writer produces them for the stacks: keyed by the very
 * declaration the reader reads, so a stack cannot spell a name the code does not read.
 */
export type EnvOf<Settings extends Record<string, Setting>> = { [Name in keyof Settings]?: string };

/**
 * A function that reads the `settings` from an environment, or throws one error naming every wrong value
 * (`Invalid <what>: DB_PORT must be ..., not "99999"; ...`).
 */
export function envReader<const Settings extends Record<string, Setting>>(what: string, settings: Settings) {
  const schema = v.object(settings);
  const names = Object.keys(settings);
  return (env: Env): v.InferOutput<typeof schema> => {
    const given = Object.fromEntries(names.map((name) => [name, env[name]?.trim() || undefined]));
    const result = v.safeParse(schema, given);
    if (result.success) return result.output;
    const problems = result.issues.map((issue) => `${v.getDotPath(issue)} ${issue.message}`);
    throw new Error(`Invalid ${what}: ${problems.join("; ")}`);
  };
}
