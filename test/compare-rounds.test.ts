import { describe, expect, it } from "vitest";
import { compareRounds, type RoundLoad } from "../bench/compare-rounds";

const TARGET = { minRatio: 0.9, maxP99: 50 };
const load = (round: number, rps: number, extra: Partial<RoundLoad> = {}): RoundLoad => ({ round, rps, p99: 20, failures: 0, ...extra });

describe("bench:http's verdict, ours against the floor", () => {
  it("takes each round's ratio against the floor's load of the same round, whatever order they were measured in", () => {
    const verdict = compareRounds([load(0, 900), load(1, 2000)], [load(1, 2000), load(0, 1000)], TARGET);
    expect(verdict.ratios).toEqual([0.9, 1]);
  });

  it("is the median of the rounds' ratios: one round's slump or burst moves it not", () => {
    const ours = [load(0, 500), load(1, 950), load(2, 960), load(3, 2000), load(4, 940)];
    const floor = [0, 1, 2, 3, 4].map((round) => load(round, 1000));
    const verdict = compareRounds(ours, floor, TARGET);
    expect(verdict.ratio).toBe(0.95);
    expect(verdict.met).toBe(true);
    expect(compareRounds(ours.map((run) => ({ ...run, rps: run.rps - 100 })), floor, TARGET).met).toBe(false);
  });

  it("fails on one round's p99 at the target, or one failed request, whatever the throughput", () => {
    const floor = [load(0, 1000), load(1, 1000)];
    expect(compareRounds([load(0, 1000), load(1, 1000, { p99: 50 })], floor, TARGET)).toMatchObject({ met: false, worstP99: 50 });
    expect(compareRounds([load(0, 1000, { failures: 1 }), load(1, 1000)], floor, TARGET)).toMatchObject({ met: false, failures: 1 });
    expect(compareRounds([load(0, 1000), load(1, 1000, { p99: 49.9 })], floor, TARGET).met).toBe(true);
  });

  it("compares CPU per request only in rounds where both servers' were read", () => {
    const verdict = compareRounds(
      [load(0, 1000, { cpuPerRequest: 240 }), load(1, 1000)],
      [load(0, 1000, { cpuPerRequest: 200 }), load(1, 1000, { cpuPerRequest: 200 })],
      TARGET,
    );
    expect(verdict.cpuRatios).toEqual([1.2]);
  });

  it("refuses a round without the floor's load, and a run without rounds, rather than pass them", () => {
    expect(() => compareRounds([load(0, 1000), load(1, 1000)], [load(0, 1000)], TARGET)).toThrow(/round 1/);
    expect(() => compareRounds([], [], TARGET)).toThrow(/no round/);
  });
});
