import { median } from "./median";

/** One measured load of one server, in one round of bench/http.ts. */
export interface RoundLoad {
  round: number;
  rps: number;
  p99: number;
  failures: number;
  /** The server's CPU time per request, in microseconds, where /proc tells it. */
  cpuPerRequest?: number;
}

export interface RoundsTarget {
  /** The least ours may reach of the floor's req/s: the median of the rounds' ratios. */
  minRatio: number;
  /** The most any round's p99 may be, in milliseconds. */
  maxP99: number;
}

export interface RoundsVerdict {
  /** Ours against the floor in each round, between loads seconds apart: req/s, then CPU per request. */
  ratios: number[];
  cpuRatios: number[];
  ratio: number;
  worstP99: number;
  failures: number;
  met: boolean;
}

/**
 * Ours against the floor, round by round: a ratio is taken only between loads of the same round, seconds apart,
 * and the verdict is the median of those ratios, with no failed request and every round's p99 within the target.
 */
export function compareRounds(ours: RoundLoad[], floor: RoundLoad[], target: RoundsTarget): RoundsVerdict {
  if (ours.length === 0) throw new Error("no round of ours was measured");
  const pairs = ours.map((run) => {
    const other = floor.find((candidate) => candidate.round === run.round);
    if (!other) throw new Error(`round ${run.round} has no load of the floor`);
    return [run, other] as const;
  });
  const ratios = pairs.map(([run, other]) => run.rps / other.rps);
  const cpuRatios = pairs.flatMap(([run, other]) =>
    run.cpuPerRequest === undefined || other.cpuPerRequest === undefined ? [] : [run.cpuPerRequest / other.cpuPerRequest],
  );
  const ratio = median(ratios);
  const worstP99 = Math.max(...ours.map((run) => run.p99));
  const failures = ours.reduce((sum, run) => sum + run.failures, 0);
  return { ratios, cpuRatios, ratio, worstP99, failures, met: ratio >= target.minRatio && worstP99 < target.maxP99 && failures === 0 };
}
