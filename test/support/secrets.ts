/** Values that are credentials whatever key they sit under. */
const CREDENTIALS: [string, RegExp][] = [
  ["AWS access key id", /\b(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/],
  ["AWS secret access key", /aws.{0,20}secret.{0,20}[:=]\s*["']?[A-Za-z0-9/+=]{40}\b/i],
  ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["GitHub token", /\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})\b/],
  ["npm token", /\bnpm_[A-Za-z0-9]{36}\b/],
  ["Slack token", /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ["password in a URL", /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i],
];

/** A key that names a secret, given a literal value rather than an expression (`${{ ... }}`) or a variable. */
const SECRET_KEY = /([\w-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key)[\w-]*)\s*[:=]\s*["']?([^\s"'#]+)/gi;
/** Values under such keys that are not secrets: permission levels of `id-token`, and references. */
const NOT_A_SECRET = /^(?:read|write|none|\$\{\{|\$\w)/;

/** Every literal secret in a text, as `<kind>: <line>`. */
export function literalSecrets(text: string): string[] {
  return text.split("\n").flatMap((line) => {
    const found = CREDENTIALS.filter(([, pattern]) => pattern.test(line)).map(([kind]) => `${kind}: ${line.trim()}`);
    for (const [, key, value] of line.matchAll(SECRET_KEY)) {
      if (!NOT_A_SECRET.test(value!)) found.push(`literal value for ${key}: ${line.trim()}`);
    }
    return found;
  });
}
