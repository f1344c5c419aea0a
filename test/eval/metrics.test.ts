// Metric functions against figures worked out by hand (the arithmetic is in the comments).
import { describe, expect, it } from 'vitest';
import { bootstrapClassificationIntervals, mulberry32, quantile } from '../../eval/bootstrap.ts';
import { prCurveChart, reliabilityChart, scoreHistogramChart, subgroupRecallChart } from '../../eval/charts.ts';
import { averagePrecision, brierScore, confusionAt, expectedCalibrationError, f1, multiClassConfusion, prCurve, precision, recall, recallAtBudget, recallAtPrecision, reliabilityBins, subgroupRates, thresholdForRecall, wilsonLower, workSavedOverSampling } from '../../eval/metrics.ts';

const T = true;
const F = false;

// Fixture A: 10 records, 5 positives (indices 0, 1, 3, 5, 8).
const scoresA = [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1];
const labelsA = [T, T, F, T, F, T, F, F, T, F];

// Fixture W: 20 records scored 1.00, 0.95, ..., 0.05 (rank i has score (20 - i) / 20);
// positives at ranks 0, 1, 2, 4, 7, 11 (P = 6).
const scoresW = Array.from({ length: 20 }, (_, i) => (20 - i) / 20);
const labelsW = scoresW.map((_, i) => [0, 1, 2, 4, 7, 11].includes(i));

describe('confusion, precision, recall, F1', () => {
  it('counts at a threshold, flagging scores at or above it', () => {
    // >= 0.5 flags indices 0-5: labels T,T,F,T,F,T -> tp 4, fp 2; below: F,F,T,F -> tn 3, fn 1.
    const c = confusionAt(scoresA, labelsA, 0.5);
    expect(c).toEqual({ tp: 4, fp: 2, tn: 3, fn: 1 });
    expect(precision(c)).toBeCloseTo(4 / 6, 12); // 0.6667
    expect(recall(c)).toBeCloseTo(4 / 5, 12); // 0.8
    // F1 = 2 * (2/3) * (4/5) / (2/3 + 4/5) = (16/15) / (22/15) = 16/22
    expect(f1(c)).toBeCloseTo(16 / 22, 12);
  });

  it('reports precision as undefined (NaN), not 0, when nothing is flagged', () => {
    const c = confusionAt([0.1, 0.2], [T, F], 0.5);
    expect(c).toEqual({ tp: 0, fp: 0, tn: 1, fn: 1 });
    expect(precision(c)).toBeNaN();
    expect(recall(c)).toBe(0);
    expect(f1(c)).toBeNaN();
  });
});

describe('Wilson interval, lower end (the high-risk threshold asks for it)', () => {
  it('matches the formula worked by hand', () => {
    // All found: n / (n + z^2) = 10 / 13.8416 = 0.72247; 8 of 10: (0.8 + 0.19208 - 1.96 x sqrt(0.016 + 0.0096040)) / 1.38416 = 0.49016.
    expect(wilsonLower(10, 10)).toBeCloseTo(0.72247, 4);
    expect(wilsonLower(8, 10)).toBeCloseTo(0.49016, 4);
    expect(wilsonLower(0, 10)).toBeCloseTo(0, 10);
    expect(wilsonLower(0, 0)).toBe(0);
  });
  it('needs 73 records all found to reach 0.95, and 261 of 267', () => {
    expect(wilsonLower(72, 72)).toBeLessThan(0.95);
    expect(wilsonLower(73, 73)).toBeGreaterThanOrEqual(0.95);
    expect(wilsonLower(260, 267)).toBeLessThan(0.95);
    expect(wilsonLower(261, 267)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('precision-recall curve and average precision', () => {
  it('computes step-wise AP as sklearn does', () => {
    // Walking down fixture A: each new positive adds 0.2 recall times the precision there:
    //   rank 1 (T): P 1/1      -> 0.2 * 1    = 0.2
    //   rank 2 (T): P 2/2      -> 0.2 * 1    = 0.2
    //   rank 4 (T): P 3/4      -> 0.2 * 0.75 = 0.15
    //   rank 6 (T): P 4/6      -> 0.2 * 2/3  = 0.1333
    //   rank 9 (T): P 5/9      -> 0.2 * 5/9  = 0.1111
    // AP = 0.4 + 0.15 + 2/15 + 1/9 = 0.79444
    expect(averagePrecision(scoresA, labelsA)).toBeCloseTo(0.4 + 0.15 + 2 / 15 + 1 / 9, 12);
  });

  it('cuts tied scores together instead of ordering them favourably', () => {
    // Two ties of (T, F): threshold 0.8 -> P 1/2, R 1/2; threshold 0.3 -> P 2/4, R 1.
    // AP = 0.5 * 0.5 + 0.5 * 0.5 = 0.5 (a favourable order would give 0.5 * 1 + 0.5 * 2/3).
    const curve = prCurve([0.8, 0.8, 0.3, 0.3], [F, T, F, T]);
    expect(curve).toEqual([
      { threshold: 0.8, precision: 0.5, recall: 0.5, flagged: 2 },
      { threshold: 0.3, precision: 0.5, recall: 1, flagged: 4 },
    ]);
    expect(averagePrecision([0.8, 0.8, 0.3, 0.3], [F, T, F, T])).toBeCloseTo(0.5, 12);
  });

  it('is 1 for a perfect ranking and undefined without positives', () => {
    expect(averagePrecision([0.9, 0.8, 0.1], [T, T, F])).toBe(1);
    expect(averagePrecision([0.9, 0.8], [F, F])).toBeNaN();
  });

  it('finds the best recall at a minimum precision', () => {
    // Fixture A curve (precision, recall): (1,.2) (1,.4) (.667,.4) (.75,.6) (.6,.6) (.667,.8) (.571,.8) (.5,.8) (.556,1) (.5,1)
    expect(recallAtPrecision(scoresA, labelsA, 0.75)).toBeCloseTo(0.6, 12);
    expect(recallAtPrecision(scoresA, labelsA, 0.6)).toBeCloseTo(0.8, 12);
    expect(recallAtPrecision(scoresA, labelsA, 0.55)).toBe(1);
    expect(recallAtPrecision([0.9, 0.8], [F, T], 0.9)).toBeNaN();
  });
});

describe('recall at a review budget', () => {
  it('reads the top floor(fraction * N) records', () => {
    // N = 20, P = 6. 5% -> 1 record (rank 0, T) = 1/6; 10% -> 2 records (T, T) = 2/6;
    // 20% -> 4 records (ranks 0-3: T, T, T, F) = 3/6.
    expect(recallAtBudget(scoresW, labelsW, 0.05)).toBeCloseTo(1 / 6, 12);
    expect(recallAtBudget(scoresW, labelsW, 0.1)).toBeCloseTo(2 / 6, 12);
    expect(recallAtBudget(scoresW, labelsW, 0.2)).toBeCloseTo(3 / 6, 12);
  });

  it('counts a tie group straddling the cut pro rata, whatever the input order', () => {
    // 10 records, P = 3: 0.9 (F), four tied at 0.5 of which 2 positive, five at 0.1 of which 1 positive.
    // 20% budget = 2 records: 0.9 (no positive) + 1 of the 4 tied slots -> 2 * 1/4 = 0.5 positives.
    // recall = 0.5 / 3.
    const scores = [0.9, 0.5, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1];
    const labels = [F, T, F, T, F, T, F, F, F, F];
    expect(recallAtBudget(scores, labels, 0.2)).toBeCloseTo(0.5 / 3, 12);
    const reversed = recallAtBudget([...scores].reverse(), [...labels].reverse(), 0.2);
    expect(reversed).toBeCloseTo(0.5 / 3, 12);
  });
});

describe('work saved over sampling at 95% recall', () => {
  it('takes the highest threshold reaching 95% recall (all 6 positives when P < 20)', () => {
    // ceil(0.95 * 6) = 6 positives needed; the last positive is rank 11 (score 0.45) -> 12 flagged.
    // Unflagged 8 of 20 (TN 8, FN 0): WSS = 8/20 - 0.05 = 0.35.
    // Perfect ranking flags only the 6 positives: WSS_max = 14/20 - 0.05 = 0.65; normalised 0.35/0.65.
    // FP = 12 - 6 = 6, TN = 8: TNR = 8/14.
    const w = workSavedOverSampling(scoresW, labelsW);
    expect(w.threshold).toBeCloseTo(0.45, 12);
    expect(w.recall).toBe(1);
    expect(w.wss).toBeCloseTo(0.35, 12);
    expect(w.wss_max).toBeCloseTo(0.65, 12);
    expect(w.wss_normalised).toBeCloseTo(0.35 / 0.65, 12);
    expect(w.tnr).toBeCloseTo(8 / 14, 12);
  });

  it('stops at 19 of 20 positives when that reaches 95%', () => {
    // 40 records scored (40 - i) / 40; positives at ranks 0-17, 20 and 30 (P = 20).
    // 19/20 = 95% reached at rank 20 -> 21 flagged, 19 unflagged: WSS = 19/40 - 0.05 = 0.425.
    // Perfect: k = ceil(0.95 * 20) = 19 -> WSS_max = 21/40 - 0.05 = 0.475; normalised 0.425/0.475.
    const scores = Array.from({ length: 40 }, (_, i) => (40 - i) / 40);
    const labels = scores.map((_, i) => i <= 17 || i === 20 || i === 30);
    const w = workSavedOverSampling(scores, labels);
    expect(w.recall).toBeCloseTo(0.95, 12);
    expect(w.wss).toBeCloseTo(0.425, 12);
    expect(w.wss_normalised).toBeCloseTo(0.425 / 0.475, 12);
  });

  it('gives 1 for a perfect ranking and -0.05 when the positives score lowest', () => {
    expect(workSavedOverSampling([0.9, 0.8, 0.2, 0.1], [T, T, F, F]).wss_normalised).toBeCloseTo(1, 12);
    // Positives at the bottom: everything must be flagged, (TN + FN) / N = 0 -> WSS = -0.05.
    expect(workSavedOverSampling([0.9, 0.8, 0.2, 0.1], [F, F, T, T]).wss).toBeCloseTo(-0.05, 12);
  });
});

describe('calibration', () => {
  // 10 scores; bins of width 0.1.
  const scores = [0.05, 0.15, 0.15, 0.35, 0.45, 0.55, 0.65, 0.85, 0.95, 0.95];
  const labels = [F, F, T, F, T, T, F, T, T, T];

  it('computes ECE over 10 equal-width bins', () => {
    // bin 0: {0.05 F}          -> 1/10 * |0.05 - 0|   = 0.005
    // bin 1: {0.15 F, 0.15 T}  -> 2/10 * |0.15 - 0.5| = 0.07
    // bin 3: {0.35 F}          -> 1/10 * 0.35         = 0.035
    // bin 4: {0.45 T}          -> 1/10 * 0.55         = 0.055
    // bin 5: {0.55 T}          -> 1/10 * 0.45         = 0.045
    // bin 6: {0.65 F}          -> 1/10 * 0.65         = 0.065
    // bin 8: {0.85 T}          -> 1/10 * 0.15         = 0.015
    // bin 9: {0.95 T, 0.95 T}  -> 2/10 * 0.05         = 0.01
    // ECE = 0.30
    expect(expectedCalibrationError(scores, labels)).toBeCloseTo(0.3, 12);
  });

  it('computes the Brier score', () => {
    // Squared errors: .0025 .0225 .7225 .1225 .3025 .2025 .4225 .0225 .0025 .0025 -> sum 1.825; / 10
    expect(brierScore(scores, labels)).toBeCloseTo(0.1825, 12);
  });

  it('puts a score on a bin edge in the upper bin and 1.0 in the last bin', () => {
    const bins = reliabilityBins([0.1, 1.0, 0.0], [T, T, F]);
    expect(bins).toHaveLength(10);
    expect(bins[0]!.count).toBe(1);
    expect(bins[1]!.count).toBe(1);
    expect(bins[9]!.count).toBe(1);
    expect(bins[9]!.fraction_positive).toBe(1);
    expect(bins[5]!.mean_score).toBeNaN();
  });
});

describe('risk-level confusion', () => {
  it('builds matrix[actual][predicted] and accuracy', () => {
    const r = multiClassConfusion(
      ['high', 'high', 'medium', 'standard', 'standard'],
      ['high', 'medium', 'medium', 'standard', 'high'],
      ['high', 'medium', 'standard'],
    );
    expect(r.matrix).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 1],
    ]);
    expect(r.accuracy).toBeCloseTo(3 / 5, 12);
  });
});

describe('subgroup recall and flag rate', () => {
  it('gives each group its recall, flag rate and gap to overall', () => {
    // overall: positives at 0, 1, 3; flagged 0, 2 -> recall 1/3, flag rate 2/5.
    // a = {0, 1, 2}: recall 1/2 (gap +1/6), flag rate 2/3 (gap +4/15).
    // b = {3, 4}: recall 0 (gap -1/3), flag rate 0 (gap -0.4).
    const t = subgroupRates(['a', 'a', 'a', 'b', 'b'], [T, F, T, F, F], [T, T, F, T, F]);
    expect(t.overall.recall).toBeCloseTo(1 / 3, 12);
    const a = t.groups.find((g) => g.group === 'a')!;
    const b = t.groups.find((g) => g.group === 'b')!;
    expect(a.recall).toBeCloseTo(0.5, 12);
    expect(a.recall_gap).toBeCloseTo(1 / 6, 12);
    expect(a.flag_rate_gap).toBeCloseTo(4 / 15, 12);
    expect(b.recall_gap).toBeCloseTo(-1 / 3, 12);
    expect(b.flag_rate_gap).toBeCloseTo(-0.4, 12);
    expect(a.small && b.small).toBe(true);
  });
});

describe('bootstrap intervals', () => {
  it('interpolates quantiles like numpy', () => {
    // numpy.percentile([1, 2, 3, 4], 50) = 2.5; 2.5th percentile of 1..101 = 3.5
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile(Array.from({ length: 101 }, (_, i) => i + 1), 0.025)).toBeCloseTo(3.5, 12);
  });

  it('is reproducible for a seed, differs across seeds, and contains the point estimate', () => {
    const flaggedW = scoresW.map((s) => s >= 0.5);
    const a = bootstrapClassificationIntervals(scoresW, flaggedW, labelsW, { resamples: 400, seed: 7 });
    const b = bootstrapClassificationIntervals(scoresW, flaggedW, labelsW, { resamples: 400, seed: 7 });
    const c = bootstrapClassificationIntervals(scoresW, flaggedW, labelsW, { resamples: 400, seed: 8 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    // Point estimates at 0.5 on fixture W: flagged ranks 0-10 (11), positives among them 5 -> P 5/11, R 5/6.
    const point = confusionAt(scoresW, labelsW, 0.5);
    const estimates = { precision: precision(point), recall: recall(point), f1: f1(point), average_precision: averagePrecision(scoresW, labelsW) };
    expect(estimates.precision).toBeCloseTo(5 / 11, 12);
    for (const [metric, value] of Object.entries(estimates)) {
      const ci = a[metric as keyof typeof a];
      expect(ci.lower, metric).toBeLessThanOrEqual(value);
      expect(ci.upper, metric).toBeGreaterThanOrEqual(value);
      expect(ci.upper - ci.lower, metric).toBeGreaterThan(0);
    }
    // Recall needs a positive in the resample; with 6 of 20 nearly every resample has one.
    expect(a.recall.valid).toBeGreaterThan(390);
  });

  it('draws from a seeded generator in [0, 1)', () => {
    const r1 = mulberry32(42);
    const r2 = mulberry32(42);
    const draws = Array.from({ length: 1000 }, () => r1());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => r2()));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    // Roughly uniform: the mean of 1,000 draws is within 0.05 of 0.5.
    expect(Math.abs(draws.reduce((s, x) => s + x, 0) / 1000 - 0.5)).toBeLessThan(0.05);
  });
});

describe('charts', () => {
  it('render SVG through vega-lite and vega', async () => {
    const pr = await prCurveChart('PR', [{ name: 'screener', points: prCurve(scoresA, labelsA), operating: { precision: 4 / 6, recall: 0.8 } }]);
    const rel = await reliabilityChart('Reliability', [{ name: 'stalking', bins: reliabilityBins(scoresA, labelsA) }]);
    const hist = await scoreHistogramChart('Scores', scoresA, labelsA, 0.5);
    const sub = await subgroupRecallChart('Subgroups', [
      { field: 'style', overallRecall: 1 / 3, rows: subgroupRates(['a', 'a', 'a', 'b', 'b'], [T, F, T, F, F], [T, T, F, T, F]).groups },
    ]);
    for (const svg of [pr, rel, hist, sub]) {
      expect(svg).toContain('<svg');
      expect(svg).toContain('</svg>');
    }
    // The PR curve is drawn as a path and carries its title.
    expect(pr).toContain('<path');
    expect(pr).toContain('PR');
  });
});

describe('thresholdForRecall', () => {
  it('is the highest threshold, floored to four places, at which recall reaches the target', () => {
    const scores = [0.91234, 0.8, 0.7, 0.65, 0.4, 0.3];
    const labels = [true, false, true, true, false, true];
    expect(thresholdForRecall(scores, labels, 0.5)).toBe(0.7);
    expect(thresholdForRecall(scores, labels, 0.75)).toBe(0.65);
    expect(thresholdForRecall(scores, labels, 0.95)).toBe(0.3);
    expect(thresholdForRecall(scores, labels, 0.2)).toBe(0.9123);
    for (const target of [0.2, 0.5, 0.75, 0.95]) {
      const t = thresholdForRecall(scores, labels, target);
      expect(recall(confusionAt(scores, labels, t))).toBeGreaterThanOrEqual(target);
    }
  });

  it('gives 0.5 without positives and refuses scores and labels of different lengths', () => {
    expect(thresholdForRecall([0.2, 0.9], [false, false], 0.95)).toBe(0.5);
    expect(() => thresholdForRecall([0.2], [true, false], 0.95)).toThrow(/differ in length/);
  });
});
