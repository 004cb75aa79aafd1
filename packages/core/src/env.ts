/**
 * Reads typed settings from environment variables. Unset and blank mean "use the default"; every
 * wrong value is noted, and `check` then refuses them all in one error.
 */
export class EnvReader {
  readonly #problems: string[] = [];

  constructor(private readonly env: Record<string, string | undefined>) {}

  /** The trimmed value, or `fallback` when unset or blank. */
  text(name: string, fallback: string): string {
    return this.env[name]?.trim() || fallback;
  }

  integer(name: string, min: number, max: number, fallback: number): number {
    const text = this.text(name, "");
    if (text === "") return fallback;
    const value = Number(text);
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    this.#problems.push(`${name} must be an integer from ${min} to ${max}, not "${text}"`);
    return fallback;
  }

  /** One of `choices`, whatever the case it is written in; undefined when unset. */
  choice<const T extends string>(name: string, choices: readonly T[]): T | undefined {
    const text = this.text(name, "");
    if (text === "") return undefined;
    const match = choices.find((choice) => choice.toLowerCase() === text.toLowerCase());
    if (match === undefined) this.#problems.push(`${name} must be one of ${choices.join(", ")}, not "${text}"`);
    return match;
  }

  /** `true`/`1` or `false`/`0`; false when unset. */
  flag(name: string): boolean {
    const value = this.choice(name, ["true", "false", "1", "0"]);
    return value === "true" || value === "1";
  }

  /** Throws one error naming every wrong value read so far. */
  check(what: string): void {
    if (this.#problems.length > 0) throw new Error(`Invalid ${what}: ${this.#problems.join("; ")}`);
  }
}
