import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";

/** Every objective of the stage is kept, or not, over the last 30 days. */
export const SLO_WINDOW = Duration.days(30);

/**
 * The SRE workbook's multiwindow, multi-burn-rate alerts ("Alerting on SLOs", table 5-8): an alert fires when the
 * long window has spent `budgetShare` of the 30-day budget, and the short window (1/12 of it) still burns as fast,
 * so that it clears soon after the burning stops. Fast pages; slow opens a ticket.
 */
export const BURN_ALERTS = [
  { speed: "fast", severity: "page", budgetShare: 0.02, long: Duration.hours(1), short: Duration.minutes(5) },
  { speed: "slow", severity: "ticket", budgetShare: 0.05, long: Duration.hours(6), short: Duration.minutes(30) },
] as const;
export type BurnAlert = (typeof BURN_ALERTS)[number];

/** How many times faster than the budget allows the long window must burn: 14.4 (fast), 6 (slow). */
export function burnFactor({ budgetShare, long }: { budgetShare: number; long: Duration }): number {
  return (budgetShare * SLO_WINDOW.toHours()) / long.toHours();
}

/** The share of events an objective of `targetPercent` may fail: 0.001 for 99.9 (rounded off float noise). */
export function errorBudget(targetPercent: number): number {
  return Number(((100 - targetPercent) / 100).toPrecision(12));
}

/**
 * A service level indicator as metric math: `bad` and `total` are expressions over `metrics(period)`, each summed
 * over the period, so that bad / total is the error ratio of any window.
 */
export interface Indicator {
  /** In alarm names and runbook sections: `slo-<name>-<speed>-burn`. */
  name: string;
  /** What counts as good, in a sentence. */
  good: string;
  targetPercent: number;
  bad: string;
  total: string;
  metrics(period: Duration): Record<string, cloudwatch.IMetric>;
}

const expression = (indicator: Indicator, formula: (ratio: string) => string, period: Duration, label: string) =>
  new cloudwatch.MathExpression({
    expression: formula(`(${indicator.bad}) / (${indicator.total})`),
    usingMetrics: indicator.metrics(period),
    period,
    label,
  });

/** The error ratio divided by the error budget: 1 spends the budget in exactly 30 days. */
export const burnRate = (indicator: Indicator, period: Duration) =>
  expression(indicator, (ratio) => `${ratio} / ${errorBudget(indicator.targetPercent)}`, period, `${indicator.name} burn rate`);

/** The share of good events, in percent, over `period`. */
export const goodPercent = (indicator: Indicator, period: Duration) =>
  expression(indicator, (ratio) => `100 * (1 - ${ratio})`, period, `${indicator.name} (% good)`);

/** What is left of the error budget, in percent, after `period` (negative once it is overspent). */
export const budgetLeftPercent = (indicator: Indicator, period: Duration) =>
  expression(indicator, (ratio) => `100 * (1 - ${ratio} / ${errorBudget(indicator.targetPercent)})`, period, `${indicator.name} budget left (%)`);

/** A window as alarm names say it: 1h, 5m, 6h, 30m. */
export const windowName = (window: Duration) => (window.toMinutes() % 60 === 0 ? `${window.toHours()}h` : `${window.toMinutes()}m`);
