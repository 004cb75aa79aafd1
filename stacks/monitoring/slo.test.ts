import { Duration } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { BURN_ALERTS, burnFactor, errorBudget, SLO_WINDOW, windowName } from "./slo";

describe("the burn-rate alerts", () => {
  it("are the SRE workbook's: 2% of a 30-day budget in 1 h (14.4x) and 5% in 6 h (6x), each with a window of 1/12", () => {
    expect(SLO_WINDOW.toDays()).toBe(30);
    expect(BURN_ALERTS.map((alert) => [alert.speed, alert.severity, burnFactor(alert), windowName(alert.long), windowName(alert.short)])).toEqual([
      ["fast", "page", 14.4, "1h", "5m"],
      ["slow", "ticket", 6, "6h", "30m"],
    ]);
    for (const alert of BURN_ALERTS) expect(alert.short.toSeconds() * 12).toBe(alert.long.toSeconds());
  });

  it("derive the factor from the budget share and the windows, not from a constant", () => {
    expect(burnFactor({ ...BURN_ALERTS[0], budgetShare: 0.1 })).toBeCloseTo(72, 9);
    expect(burnFactor({ ...BURN_ALERTS[1], long: Duration.hours(3) })).toBeCloseTo(12, 9);
  });
});

describe("the error budget", () => {
  it("is what the target leaves, as CloudWatch should read it: no float noise in the expression", () => {
    expect([99.9, 99, 99.95, 99.5, 90].map(errorBudget)).toEqual([0.001, 0.01, 0.0005, 0.005, 0.1]);
    expect(String(errorBudget(99.9))).toBe("0.001");
  });
});
