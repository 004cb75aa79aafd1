import * as v from "valibot";

/**
 * What the outside probe (the stage's CloudWatch Synthetics canary) asks of the API, as any client would: plain
 * `fetch`, no AWS SDK, no browser. Each check passes only with the status, the body's shape and an answer in time.
 */

export interface ProbeTarget {
  /** Where users call the API: `https://api.<domain>` (no trailing slash needed). */
  baseUrl: string;
  /** The slowest answer a check accepts, measured from the request to the end of its body. */
  latencyMs: number;
}

export interface CheckResult {
  /** `GET /health`, `GET /data`. */
  name: string;
  passed: boolean;
  status?: number;
  latencyMs: number;
  /** Why it failed, in one line; absent when it passed. */
  problem?: string;
  correlationId: string;
}

const Health = v.object({
  status: v.literal("ok"),
  checks: v.object({ database: v.literal("ok") }),
  version: v.pipe(v.string(), v.minLength(1)),
  stage: v.pipe(v.string(), v.minLength(1)),
});

/** A page of records, as `GET /data` lists them; `createdBy` only where the stage shows it. */
const Records = v.array(v.looseObject({ id: v.pipe(v.number(), v.integer(), v.minValue(1)), name: v.string() }));

const CHECKS = [
  { name: "GET /health", path: "/health", body: Health },
  // One record is enough to see the shape; a full page would only cost the database.
  { name: "GET /data", path: "/data?limit=1", body: Records },
] as const;

const describeIssues = (issues: v.BaseIssue<unknown>[]) =>
  issues.map((issue) => `${v.getDotPath(issue) ?? "body"}: ${issue.message}`).join("; ");

async function check(target: ProbeTarget, { name, path, body }: (typeof CHECKS)[number]): Promise<CheckResult> {
  // Lets a responder find the probe's requests in the function's log (saved query "one request by correlation id").
  const correlationId = `probe-${crypto.randomUUID()}`;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (problem: string, status?: number): CheckResult => ({ name, passed: false, status, latencyMs: elapsed(), problem, correlationId });
  try {
    const response = await fetch(new URL(path, target.baseUrl), {
      headers: { accept: "application/json", "x-correlation-id": correlationId },
      // Twice the budget: long enough to report how slow a slow answer was, short enough to end a hung one.
      signal: AbortSignal.timeout(2 * target.latencyMs),
    });
    const text = await response.text();
    const latencyMs = elapsed();
    if (response.status !== 200) return failed(`answered ${response.status}: ${text.slice(0, 200)}`, response.status);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return failed(`answered 200 with a body that is not JSON: ${text.slice(0, 200)}`, response.status);
    }
    const parsed = v.safeParse(body, json);
    if (!parsed.success) return failed(`answered 200 with an unexpected body (${describeIssues(parsed.issues)})`, response.status);
    if (latencyMs > target.latencyMs) return failed(`answered in ${latencyMs} ms, over the ${target.latencyMs} ms allowed`, response.status);
    return { name, passed: true, status: response.status, latencyMs, correlationId };
  } catch (error) {
    const cause = (error as Error).cause as Error | undefined;
    return failed(`no answer: ${(error as Error).message}${cause?.message ? ` (${cause.message})` : ""}`);
  }
}

export type CheckName = (typeof CHECKS)[number]["name"];
export const CHECK_NAMES: readonly CheckName[] = CHECKS.map((spec) => spec.name);

/** Runs one check: the canary runs each as a step of its own. */
export function runCheck(target: ProbeTarget, name: CheckName): Promise<CheckResult> {
  return check(target, CHECKS.find((spec) => spec.name === name)!);
}

/** Runs every check, one after the other (as a user's page would call them), and reports each. */
export async function probe(target: ProbeTarget): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const name of CHECK_NAMES) results.push(await runCheck(target, name));
  return results;
}

/** The line a result prints: what the canary's log shows a responder. */
export function describeResult({ name, passed, status, latencyMs, problem, correlationId }: CheckResult): string {
  const verdict = passed ? "passed" : `FAILED: ${problem}`;
  return `${name} ${verdict} (status ${status ?? "none"}, ${latencyMs} ms, correlation id ${correlationId})`;
}
