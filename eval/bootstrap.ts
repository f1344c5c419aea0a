// Percentile bootstrap confidence intervals (Efron & Tibshirani 1993, ch. 13) with a seeded PRNG,
// so the same data and seed always give the same interval in metrics.json.
import { averagePrecision, confusionOf, f1, precision, recall } from './metrics.ts';

/** mulberry32: a small, well-mixed 32-bit PRNG; enough for resampling indices. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Quantile with linear interpolation between order statistics (R type 7, numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface Interval {
  lower: number;
  upper: number;
  /** Resamples on which the metric was defined (e.g. recall needs at least one positive). */
  valid: number;
}

export type ClassificationMetric = 'precision' | 'recall' | 'f1' | 'average_precision';

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Confidence level; 0.95 gives the 2.5th and 97.5th percentiles. */
  level?: number;
}

export const BOOTSTRAP_DEFAULTS = { resamples: 1000, seed: 20240927, level: 0.95 } as const;

/**
 * Percentile intervals for precision, recall and F1 of fixed decisions (`flagged`, e.g. the screener's
 * flags at its operating threshold), and for average precision over `scores`.
 * Each resample draws N records with replacement; metrics undefined on a resample (NaN) are left out
 * of that metric's distribution and the count of valid resamples is reported.
 */
export function bootstrapClassificationIntervals(
  scores: readonly number[],
  flagged: readonly boolean[],
  labels: readonly boolean[],
  options: BootstrapOptions = {},
): Record<ClassificationMetric, Interval> {
  const { resamples, seed, level } = { ...BOOTSTRAP_DEFAULTS, ...options };
  const random = mulberry32(seed);
  const n = scores.length;
  const draws: Record<ClassificationMetric, number[]> = { precision: [], recall: [], f1: [], average_precision: [] };
  const s = new Array<number>(n);
  const f = new Array<boolean>(n);
  const l = new Array<boolean>(n);
  for (let r = 0; r < resamples && n > 0; r++) {
    for (let i = 0; i < n; i++) {
      const j = Math.floor(random() * n);
      s[i] = scores[j]!;
      f[i] = flagged[j]!;
      l[i] = labels[j]!;
    }
    const c = confusionOf(f, l);
    const values: Record<ClassificationMetric, number> = {
      precision: precision(c),
      recall: recall(c),
      f1: f1(c),
      average_precision: averagePrecision(s, l),
    };
    for (const key of Object.keys(draws) as ClassificationMetric[]) {
      if (!Number.isNaN(values[key])) draws[key].push(values[key]);
    }
  }
  const alpha = (1 - level) / 2;
  const interval = (values: number[]): Interval => {
    const sorted = [...values].sort((a, b) => a - b);
    return { lower: quantile(sorted, alpha), upper: quantile(sorted, 1 - alpha), valid: sorted.length };
  };
  return {
    precision: interval(draws.precision),
    recall: interval(draws.recall),
    f1: interval(draws.f1),
    average_precision: interval(draws.average_precision),
  };
}
