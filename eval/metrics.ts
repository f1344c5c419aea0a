// Pure metric functions over (scores, labels). No I/O and no knowledge of the screener:
// the harness turns ScreeningResults into numbers and calls these.
//
// Conventions:
// - a record is flagged when score >= threshold (CONTRACT §2: "at or above the configured threshold");
// - a figure that is undefined on the data (precision with nothing flagged, recall with no positives)
//   is NaN here and null in metrics.json, never a silent 0.

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

function assertSameLength(scores: readonly number[], labels: readonly boolean[]): void {
  if (scores.length !== labels.length) throw new Error(`scores (${scores.length}) and labels (${labels.length}) differ in length`);
}

export function confusionAt(scores: readonly number[], labels: readonly boolean[], threshold: number): Confusion {
  assertSameLength(scores, labels);
  return confusionOf(scores.map((s) => s >= threshold), labels);
}

/** Confusion of given yes/no decisions (e.g. the flags a screener returned) against labels. */
export function confusionOf(flagged: readonly boolean[], labels: readonly boolean[]): Confusion {
  if (flagged.length !== labels.length) throw new Error(`flags (${flagged.length}) and labels (${labels.length}) differ in length`);
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < flagged.length; i++) {
    if (labels[i]) {
      if (flagged[i]) c.tp++;
      else c.fn++;
    } else if (flagged[i]) c.fp++;
    else c.tn++;
  }
  return c;
}

const ratio = (num: number, den: number): number => (den === 0 ? NaN : num / den);

export function precision(c: Confusion): number {
  return ratio(c.tp, c.tp + c.fp);
}

export function recall(c: Confusion): number {
  return ratio(c.tp, c.tp + c.fn);
}

/** Harmonic mean of precision and recall; 0 when both are 0, NaN when either is undefined. */
/** F-beta; beta 2 weighs recall four times as much as precision, as a screening tool should. */
export function fBeta(c: Confusion, beta: number): number {
  const p = precision(c);
  const r = recall(c);
  const b2 = beta * beta;
  return p + r === 0 || !Number.isFinite(p) || !Number.isFinite(r) ? 0 : ((1 + b2) * p * r) / (b2 * p + r);
}

/**
 * The highest threshold (floored to four decimals) at which recall reaches `target`: the score of the
 * ceil(target * positives)-th highest positive. 0.5 when there are no positives. Every fitting script
 * chooses its recall-first operating thresholds with this.
 */
export function thresholdForRecall(scores: readonly number[], labels: readonly boolean[], target: number): number {
  assertSameLength(scores, labels);
  const positives = scores.filter((_, i) => labels[i]).sort((a, b) => b - a);
  if (positives.length === 0) return 0.5;
  const k = Math.max(1, Math.ceil(target * positives.length));
  return Math.floor(positives[k - 1]! * 10000) / 10000;
}

/**
 * The lower end of the Wilson score interval for a proportion of k successes in n (z = 1.96: a
 * two-sided 95% interval). 0 when n is 0.
 */
export function wilsonLower(k: number, n: number, z = 1.96): number {
  if (n === 0) return 0;
  const p = k / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
}

export function f1(c: Confusion): number {
  const p = precision(c);
  const r = recall(c);
  if (Number.isNaN(p) || Number.isNaN(r)) return NaN;
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

export interface PrPoint {
  threshold: number;
  precision: number;
  recall: number;
  /** Records flagged at this threshold. */
  flagged: number;
}

/** Indices sorted by descending score; ties keep input order (they are always cut together anyway). */
function orderByScoreDesc(scores: readonly number[]): number[] {
  return scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/**
 * Precision-recall curve at every distinct score, highest threshold first, as
 * sklearn.metrics.precision_recall_curve computes it (without its appended (recall 0, precision 1) point).
 */
export function prCurve(scores: readonly number[], labels: readonly boolean[]): PrPoint[] {
  assertSameLength(scores, labels);
  const positives = labels.filter(Boolean).length;
  const order = orderByScoreDesc(scores);
  const points: PrPoint[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (labels[i]) tp++;
    else fp++;
    const next = order[k + 1];
    // Emit a point only after the last record with this score: tied records are flagged together.
    if (next === undefined || scores[next] !== scores[i]) {
      points.push({ threshold: scores[i]!, precision: tp / (tp + fp), recall: ratio(tp, positives), flagged: tp + fp });
    }
  }
  return points;
}

/**
 * Average precision, step-wise as sklearn.metrics.average_precision_score:
 *   AP = sum_n (R_n - R_{n-1}) * P_n over thresholds from highest to lowest, with R_0 = 0.
 * No interpolation (the trapezoidal rule over-states AP for step curves). NaN without positives.
 */
export function averagePrecision(scores: readonly number[], labels: readonly boolean[]): number {
  if (!labels.some(Boolean)) return NaN;
  let ap = 0;
  let previousRecall = 0;
  for (const p of prCurve(scores, labels)) {
    ap += (p.recall - previousRecall) * p.precision;
    previousRecall = p.recall;
  }
  return ap;
}

/** The best recall reachable at precision >= minPrecision (NaN when no threshold reaches it). */
export function recallAtPrecision(scores: readonly number[], labels: readonly boolean[], minPrecision: number): number {
  let best = NaN;
  for (const p of prCurve(scores, labels)) {
    if (p.precision >= minPrecision && !(p.recall <= best)) best = p.recall;
  }
  return best;
}

/**
 * Recall when reviewers can read only the top `fraction` of records by score.
 * Budget = floor(fraction * N) records (at least 1): a budget is a ceiling, never exceeded.
 * When a group of tied scores straddles the cut, it contributes its positives pro rata
 * (the expected recall under a random order of the tied records), so the figure does not
 * depend on the input order of the file.
 */
export function recallAtBudget(scores: readonly number[], labels: readonly boolean[], fraction: number): number {
  assertSameLength(scores, labels);
  const positives = labels.filter(Boolean).length;
  if (positives === 0 || scores.length === 0) return NaN;
  const budget = Math.max(1, Math.floor(fraction * scores.length + 1e-9));
  const order = orderByScoreDesc(scores);
  let taken = 0;
  let found = 0;
  let k = 0;
  while (k < order.length && taken < budget) {
    // Gather the tie group starting at k.
    const score = scores[order[k]!]!;
    let end = k;
    let groupPositives = 0;
    while (end < order.length && scores[order[end]!] === score) {
      if (labels[order[end]!]) groupPositives++;
      end++;
    }
    const groupSize = end - k;
    const room = budget - taken;
    if (groupSize <= room) {
      found += groupPositives;
      taken += groupSize;
    } else {
      found += (groupPositives * room) / groupSize;
      taken = budget;
    }
    k = end;
  }
  return found / positives;
}

export interface WorkSaved {
  /** The highest threshold whose recall is at least the target. */
  threshold: number;
  /** Recall actually reached at that threshold (>= target; ties can overshoot). */
  recall: number;
  /** Share of records NOT flagged at that threshold: (TN + FN) / N. */
  unflagged_fraction: number;
  /** WSS@r = (TN + FN) / N - (1 - r), Cohen et al. 2006. */
  wss: number;
  /** The largest WSS@r any ranking of this data could reach (a perfect ranking). */
  wss_max: number;
  /** wss / wss_max: 1 for a perfect ranking, 0 for random order, negative for worse than random. */
  wss_normalised: number;
  /** True negative rate at that threshold: Kusa et al. 2023's normalised WSS. */
  tnr: number;
}

/**
 * Work saved over sampling at a target recall (default 95%).
 *
 * WSS@95 = (TN + FN) / N - 0.05, taken at the highest score threshold whose recall is >= 0.95
 * (A. M. Cohen, W. R. Hersh, K. Peterson, P.-Y. Yen, "Reducing workload in systematic review
 * preparation using automated citation classification", JAMIA 13(2):206-219, 2006).
 *
 * Normalised WSS@95 = WSS@95 / WSS@95_max, where WSS@95_max is what a perfect ranking reaches on the
 * same data: it flags k = ceil(0.95 * P) positives and nothing else, so
 *   WSS@95_max = (N - k) / N - 0.05,
 * which tends to 0.95 * (1 - prevalence) as P grows (the bound given by W. Kusa, A. Lipani, P. Knoth,
 * A. Hanbury, "An analysis of work saved over sampling in the evaluation of automated citation screening
 * in systematic literature reviews", Intelligent Systems with Applications 18:200193, 2023). Dividing by
 * the exact maximum instead of the asymptote keeps a perfect ranker at exactly 1 on small test sets.
 * Kusa et al.'s own min-max normalisation equals the true negative rate, reported as `tnr`.
 */
export function workSavedOverSampling(scores: readonly number[], labels: readonly boolean[], targetRecall = 0.95): WorkSaved {
  assertSameLength(scores, labels);
  const n = scores.length;
  const positives = labels.filter(Boolean).length;
  const nan: WorkSaved = { threshold: NaN, recall: NaN, unflagged_fraction: NaN, wss: NaN, wss_max: NaN, wss_normalised: NaN, tnr: NaN };
  if (positives === 0 || n === 0) return nan;
  const reaching = prCurve(scores, labels).find((p) => p.recall >= targetRecall - 1e-12);
  if (!reaching) return nan; // unreachable: the lowest threshold flags everything, recall 1
  const unflagged = (n - reaching.flagged) / n;
  const wss = unflagged - (1 - targetRecall);
  const k = Math.ceil(targetRecall * positives - 1e-9);
  const wssMax = (n - k) / n - (1 - targetRecall);
  const c = confusionAt(scores, labels, reaching.threshold);
  return {
    threshold: reaching.threshold,
    recall: reaching.recall,
    unflagged_fraction: unflagged,
    wss,
    wss_max: wssMax,
    wss_normalised: wssMax > 0 ? wss / wssMax : NaN,
    tnr: ratio(c.tn, c.tn + c.fp),
  };
}

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted score in the bin (NaN when empty). */
  mean_score: number;
  /** Observed fraction of positives in the bin (NaN when empty). */
  fraction_positive: number;
}

/** Equal-width bins over [0, 1]; bin i holds [i/B, (i+1)/B), the last one also holds 1. */
export function reliabilityBins(scores: readonly number[], labels: readonly boolean[], bins = 10): ReliabilityBin[] {
  assertSameLength(scores, labels);
  const sums = Array.from({ length: bins }, () => ({ count: 0, score: 0, positives: 0 }));
  for (let i = 0; i < scores.length; i++) {
    const s = Math.min(1, Math.max(0, scores[i]!));
    const b = sums[Math.min(bins - 1, Math.floor(s * bins))]!;
    b.count++;
    b.score += s;
    if (labels[i]) b.positives++;
  }
  return sums.map((b, i) => ({
    lower: i / bins,
    upper: (i + 1) / bins,
    count: b.count,
    mean_score: ratio(b.score, b.count),
    fraction_positive: ratio(b.positives, b.count),
  }));
}

/**
 * Expected calibration error with equal-width bins (Naeini, Cooper, Hauskrecht, AAAI 2015):
 *   ECE = sum over non-empty bins of |bin| / N * |mean score in bin - fraction positive in bin|.
 */
export function expectedCalibrationError(scores: readonly number[], labels: readonly boolean[], bins = 10): number {
  if (scores.length === 0) return NaN;
  let ece = 0;
  for (const b of reliabilityBins(scores, labels, bins)) {
    if (b.count > 0) ece += (b.count / scores.length) * Math.abs(b.mean_score - b.fraction_positive);
  }
  return ece;
}

/** Brier score: mean of (score - label)^2, label as 0/1. */
export function brierScore(scores: readonly number[], labels: readonly boolean[]): number {
  assertSameLength(scores, labels);
  if (scores.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += (scores[i]! - (labels[i] ? 1 : 0)) ** 2;
  return sum / scores.length;
}

/** Multi-class confusion: matrix[actual][predicted] counts over the given class list. */
export function multiClassConfusion<C extends string>(
  actual: readonly C[],
  predicted: readonly C[],
  classes: readonly C[],
): { classes: C[]; matrix: number[][]; n: number; accuracy: number } {
  if (actual.length !== predicted.length) throw new Error('actual and predicted differ in length');
  const index = new Map(classes.map((c, i) => [c, i]));
  const matrix = classes.map(() => classes.map(() => 0));
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = index.get(actual[i]!);
    const p = index.get(predicted[i]!);
    if (a === undefined || p === undefined) throw new Error(`unknown class ${actual[i]} / ${predicted[i]}`);
    matrix[a]![p]!++;
    if (a === p) correct++;
  }
  return { classes: [...classes], matrix, n: actual.length, accuracy: ratio(correct, actual.length) };
}

export interface SubgroupRow {
  group: string;
  n: number;
  positives: number;
  flagged: number;
  /** Recall within the group (NaN without positives). */
  recall: number;
  /** Share of the group's records flagged. */
  flag_rate: number;
  /** Group figure minus the overall figure; negative recall gap = the group's stalking is missed more. */
  recall_gap: number;
  flag_rate_gap: number;
  /** Too few records or positives for the gap to mean much (n < 10 or positives < 5). */
  small: boolean;
}

export interface SubgroupTable {
  overall: { n: number; positives: number; recall: number; flag_rate: number };
  groups: SubgroupRow[];
}

/** Recall and flag rate per value of a grouping key, with the gap to the overall figure. */
export function subgroupRates(
  groups: readonly string[],
  flagged: readonly boolean[],
  labels: readonly boolean[],
): SubgroupTable {
  if (groups.length !== flagged.length || groups.length !== labels.length) throw new Error('subgroup inputs differ in length');
  const tally = (idx: number[]) => {
    let positives = 0;
    let tp = 0;
    let flags = 0;
    for (const i of idx) {
      if (labels[i]) positives++;
      if (flagged[i]) flags++;
      if (labels[i] && flagged[i]) tp++;
    }
    return { n: idx.length, positives, flagged: flags, recall: ratio(tp, positives), flag_rate: ratio(flags, idx.length) };
  };
  const overall = tally(groups.map((_, i) => i));
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => byGroup.set(g, [...(byGroup.get(g) ?? []), i]));
  const rows = [...byGroup.entries()].map(([group, idx]): SubgroupRow => {
    const t = tally(idx);
    return {
      group,
      ...t,
      recall_gap: t.recall - overall.recall,
      flag_rate_gap: t.flag_rate - overall.flag_rate,
      small: t.n < 10 || t.positives < 5,
    };
  });
  rows.sort((a, b) => b.n - a.n || a.group.localeCompare(b.group));
  return { overall: { n: overall.n, positives: overall.positives, recall: overall.recall, flag_rate: overall.flag_rate }, groups: rows };
}
