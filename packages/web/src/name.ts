import { hasControlCharacters, NAME_MAX_LENGTH, nameLength } from "@data-api/core/data/name";

export type NameCheck =
  | { ok: true; name: string }
  | { ok: false; reason: "blank" | "too_long" | "control_characters"; message: string };

/** The form's own check of a name, by the API's rules, so that most mistakes never make a round trip. */
export function checkName(input: string): NameCheck {
  const name = input.trim();
  if (name === "") return { ok: false, reason: "blank", message: "Enter a name." };
  const length = nameLength(name);
  if (length > NAME_MAX_LENGTH) {
    return { ok: false, reason: "too_long", message: `Use at most ${NAME_MAX_LENGTH} characters; this name has ${length}.` };
  }
  if (hasControlCharacters(name)) {
    return { ok: false, reason: "control_characters", message: "Remove tabs and other control characters." };
  }
  return { ok: true, name };
}

/** "12/100": how much of the allowance a name uses, counted as the API counts it. */
export const lengthHint = (input: string) => `${nameLength(input.trim())}/${NAME_MAX_LENGTH}`;
