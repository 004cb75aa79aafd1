import { NAME_MAX_LENGTH, nameLength, normalizeName, readName, type NameProblem } from "@data-api/core/name";

export type NameCheck = { ok: true; name: string } | { ok: false; reason: NameProblem; message: string };

const MESSAGES: Record<NameProblem, (input: string) => string> = {
  not_well_formed: () => "Part of this name is broken; type it again.",
  replacement_character: () => "Replace each “\ufffd”: it marks text that was lost before it got here.",
  blank: () => "Enter a name.",
  invisible: () => "Enter a name with visible characters.",
  too_long: (input) =>
    `Use at most ${NAME_MAX_LENGTH} characters; this name has ${nameLength(normalizeName(input))}.`,
  control_characters: () => "Remove tabs and other control characters.",
};

/** The form's own check of a name, by the API's very rules, so that most mistakes never make a round trip. */
export function checkName(input: string): NameCheck {
  const reading = readName(input);
  if (reading.ok) return reading;
  const reason = reading.problems[0]!;
  return { ok: false, reason, message: MESSAGES[reason](input) };
}

/** "12/100": how much of the allowance a name uses, counted as the API counts it. */
export const lengthHint = (input: string) => `${nameLength(normalizeName(input))}/${NAME_MAX_LENGTH}`;
