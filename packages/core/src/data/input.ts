import { z } from "zod";
import { ValidationError } from "../error";
import { hasControlCharacters, NAME_MAX_LENGTH, nameLength } from "./name";

export { NAME_MAX_LENGTH } from "./name";
export const PAGE_SIZE_DEFAULT = 100;
export const PAGE_SIZE_MAX = 1000;
/** Upper bound of the `integer` identity column: larger ids cannot exist, so they are rejected as invalid. */
export const ID_MAX = 2_147_483_647;

const DIGITS = /^\d+$/;

const positiveInteger = (field: string, max: number) =>
  z
    .string({ error: `${field} must be an integer` })
    .regex(DIGITS, `${field} must be a positive integer`)
    .transform(Number)
    .refine((value) => value >= 1 && value <= max, `${field} must be between 1 and ${max}`);

export const CreateInput = z.object(
  {
    name: z
      .string({
        error: (issue) => (issue.input === undefined ? "name is required" : "name must be a string"),
      })
      .trim()
      .refine((name) => name.length > 0, "name must not be blank")
      .refine(
        (name) => nameLength(name) <= NAME_MAX_LENGTH,
        `name must be at most ${NAME_MAX_LENGTH} characters`,
      )
      .refine((name) => !hasControlCharacters(name), "name must not contain control characters"),
  },
  { error: "body must be a JSON object" },
);
export type CreateInput = z.infer<typeof CreateInput>;

export const ListInput = z.object({
  limit: positiveInteger("limit", PAGE_SIZE_MAX).default(PAGE_SIZE_DEFAULT),
  after: z
    .string({ error: "after must be an id" })
    .regex(DIGITS, "after must be a non-negative integer")
    .transform(Number)
    .refine((value) => value <= ID_MAX, `after must be at most ${ID_MAX}`)
    .optional(),
});
export type ListInput = z.infer<typeof ListInput>;

export const Id = positiveInteger("id", ID_MAX);

/** Parses with a schema and turns its complaints into a ValidationError that names each field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, root = "body"): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: issue.path.join(".") || root,
      message: issue.message,
    })),
  );
}
