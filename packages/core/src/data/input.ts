import * as z from "zod/mini";
import { ValidationError } from "../error";

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

const digits = (error: string, message: string) =>
  z.pipe(z.string({ error }).check(z.regex(DIGITS, message)), z.transform(Number));

const positiveInteger = (field: string, max: number) =>
  digits(`${field} must be an integer`, `${field} must be a positive integer`).check(
    z.refine((value) => value >= 1 && value <= max, `${field} must be between 1 and ${max}`),
  );

export const CreateInput = z.object(
  {
    name: z
      .string({
        error: (issue) => (issue.input === undefined ? "name is required" : "name must be a string"),
      })
      .check(
        z.trim(),
        z.refine((name) => name.length > 0, "name must not be blank"),
        z.refine((name) => codePointLength(name) <= NAME_MAX_LENGTH, `name must be at most ${NAME_MAX_LENGTH} characters`),
        z.refine((name) => !CONTROL_CHARACTERS.test(name), "name must not contain control characters"),
      ),
  },
  { error: "body must be a JSON object" },
);
export type CreateInput = z.infer<typeof CreateInput>;

export const ListInput = z.object({
  limit: z._default(positiveInteger("limit", PAGE_SIZE_MAX), PAGE_SIZE_DEFAULT),
  after: z.optional(
    digits("after must be an id", "after must be a non-negative integer").check(
      z.refine((value) => value <= ID_MAX, `after must be at most ${ID_MAX}`),
    ),
  ),
});
export type ListInput = z.infer<typeof ListInput>;

export const Id = positiveInteger("id", ID_MAX);

/** Parses with a schema and turns its complaints into a ValidationError that names each field. */
export function parse<T extends z.ZodMiniType>(schema: T, input: unknown, root = "body"): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: issue.path.join(".") || root,
      message: issue.message,
    })),
  );
}
