// The offline evaluation harness: runs a screener over labelled records and measures it.
// It sees only what `screen()` returns (ScreeningResult) and the screener's operating thresholds,
// so the same harness measures rules-only, hybrid or any future scorer.
import cliProgress from 'cli-progress';
import type { LabelledRecord } from '../datasets/schema.ts';
import { RISK_LEVELS } from '../datasets/schema.ts';
import type { Screener } from '../src/screening/types.ts';
import type { RiskLevel, ScreeningRecord, ScreeningResult } from '../src/screening/types.ts';
import { BOOTSTRAP_DEFAULTS, bootstrapClassificationIntervals, type BootstrapOptions, type ClassificationMetric, type Interval } from './bootstrap.ts';
import {
  averagePrecision,
  brierScore,
  confusionOf,
  expectedCalibrationError,
  f1,
  fBeta,
  multiClassConfusion,
  prCurve,
  precision,
  recall,
  recallAtBudget,
  recallAtPrecision,
  reliabilityBins,
  subgroupRates,
  workSavedOverSampling,
  type Confusion,
  type PrPoint,
  type ReliabilityBin,
  type SubgroupTable,
  type WorkSaved,
} from './metrics.ts';

/** What the harness needs from a screener: nothing about how it works inside. */
export type ScreenerLike = Pick<Screener, 'screen' | 'thresholds' | 'versions'>;

export type Task = 'stalking' | 's4a';
export const TASKS: readonly Task[] = ['stalking', 's4a'];
export const REVIEW_BUDGETS = [5, 10, 20] as const;
export const SUBGROUP_FIELDS = ['relationship', 'style', 'online', 'kind', 'recorded_as', 'scenario_family'] as const;
export type SubgroupField = (typeof SUBGROUP_FIELDS)[number];

/** Narrative quoted in an error case never exceeds this many characters in total (spans + excerpt). */
export const NARRATIVE_BUDGET = 300;
const ERROR_CASES = 10;

export interface TaskMetrics {
  threshold: number;
  n: number;
  positives: number;
  prevalence: number;
  flagged: number;
  confusion: Confusion;
  precision: number;
  recall: number;
  f1: number;
  f2: number;
  /** Share of records flagged: the reviewers' workload at this threshold. */
  workload: number;
  /** The priority band (stalking, when the screener has one): what the queue puts first. */
  priority?: { threshold: number; flagged: number; workload: number; precision: number; recall: number };
  average_precision: number;
  wss_at_95: number;
  wss_at_95_normalised: number;
  wss_detail: WorkSaved;
  ece: number;
  brier: number;
  recall_at_budget: Record<'5' | '10' | '20', number>;
  ci: Record<ClassificationMetric, Interval>;
  pr_curve: PrPoint[];
  reliability: ReliabilityBin[];
}

export interface ErrorCase {
  id: string;
  score: number;
  threshold: number;
  recorded_as: string | null;
  risk_level: RiskLevel;
  label_risk: RiskLevel | null;
  scenario: string | null;
  flags: string[];
  /** What the screener found: codes, the ConText modifiers that applied, and short span texts. */
  indicators: { code: string; label: string; source: string; context: string[]; spans: string[] }[];
  recommendation: string;
  /** The start of the narrative; with the span texts, at most NARRATIVE_BUDGET characters. */
  excerpt: string;
}

export interface RecordedAsRow {
  recorded_as: string;
  n: number;
  stalking: Confusion;
  s4a: Confusion;
}

export interface VariantMetrics {
  versions: ScreeningResult['versions'];
  thresholds: { stalking: number; s4a: number };
  stalking: VariantTaskMetrics;
  s4a: VariantTaskMetrics;
}

export interface VariantTaskMetrics {
  threshold: number;
  precision: number;
  recall: number;
  f2: number;
  workload: number;
  wss_at_95: number;
  ci: Record<ClassificationMetric, Interval>;
  average_precision: number;
  /** Best recall this variant reaches at or above the reference screener's operating precision. */
  recall_at_operating_precision: number;
  ece: number;
  pr_curve: PrPoint[];
}

export interface EvaluationMetrics {
  schema_version: 1;
  generated_at: string;
  dataset: { path?: string; sha256?: string; n: number };
  n: number;
  screener: { versions: ScreeningResult['versions']; thresholds: { stalking: number; s4a: number; priority?: number } };
  /** True when error cases quote no narrative (the dataset's licence forbids excerpts). */
  redacted?: boolean;
  bootstrap: { method: 'percentile'; resamples: number; seed: number; level: number };
  stalking: TaskMetrics;
  s4a: TaskMetrics;
  by_recorded_as: RecordedAsRow[];
  risk: {
    n_labelled: number;
    classes: RiskLevel[];
    /** matrix[label][predicted], rows and columns in `classes` order. */
    matrix: number[][];
    accuracy: number;
    /** Labelled high risk but not graded high: the costly error. */
    high_missed: number;
  };
  subgroups: Record<Task, Record<SubgroupField, SubgroupTable>>;
  errors: Record<Task, { false_negatives: ErrorCase[]; false_positives: ErrorCase[] }>;
  ablation?: {
    reference_precision: Record<Task, number>;
    variants: Record<string, VariantMetrics>;
  };
  /** Inconsistencies noticed while evaluating, e.g. a flag that disagrees with its score and threshold. */
  warnings: string[];
}

export interface EvaluateOptions {
  records: readonly LabelledRecord[];
  /** The screener under test; its thresholds are the operating thresholds. */
  screener: ScreenerLike;
  /** Several screeners to compare (e.g. { rules, hybrid }); `screener` sets the reference precision. */
  variants?: Record<string, ScreenerLike>;
  bootstrap?: BootstrapOptions;
  /** Show a progress bar on stderr (default: when stderr is a TTY). */
  progress?: boolean;
  /** Quote no narrative at all in error cases (e.g. real posts whose licence forbids excerpts). */
  redact?: boolean;
  dataset?: { path?: string; sha256?: string };
}

export interface Evaluation {
  metrics: EvaluationMetrics;
  records: readonly LabelledRecord[];
  results: ScreeningResult[];
  labels: Record<Task, boolean[]>;
}

/** Fields of a labelled record that must never reach the screener (they would leak the answer). */
const LABEL_FIELDS = ['label_stalking', 'label_s4a', 'label_risk', 'indicators', 'rationale', 'scenario', 'style', 'online', 'writer', 'confidence', 'pool', 'sha1'] as const;

export function unlabelled(record: LabelledRecord): ScreeningRecord {
  const copy: Record<string, unknown> = { ...record };
  for (const field of LABEL_FIELDS) delete copy[field];
  return copy as ScreeningRecord;
}

function scoreOf(result: ScreeningResult, task: Task): number {
  return task === 'stalking' ? result.stalking_score : result.s4a_score;
}

function flagOf(result: ScreeningResult, task: Task): boolean {
  return task === 'stalking' ? result.stalking_flag : result.s4a_flag;
}

/** Records asked for together: a screener that batches (the text model) runs them in one call. */
const SCREEN_CHUNK = 32;

async function screenAll(
  screener: ScreenerLike,
  records: readonly LabelledRecord[],
  tick: () => void,
): Promise<ScreeningResult[]> {
  const results: ScreeningResult[] = [];
  for (let i = 0; i < records.length; i += SCREEN_CHUNK) {
    const chunk = await Promise.all(records.slice(i, i + SCREEN_CHUNK).map((r) => screener.screen(unlabelled(r))));
    results.push(...chunk);
    chunk.forEach(() => tick());
  }
  return results;
}

/** Figures for one task. `flagged` are the decisions `screen` returned at `threshold`. */
export function taskMetrics(scores: number[], flagged: boolean[], labels: boolean[], threshold: number, bootstrap: BootstrapOptions): TaskMetrics {
  const confusion = confusionOf(flagged, labels);
  const positives = labels.filter(Boolean).length;
  const wss = workSavedOverSampling(scores, labels, 0.95);
  return {
    threshold,
    n: scores.length,
    positives,
    prevalence: positives / scores.length,
    flagged: confusion.tp + confusion.fp,
    confusion,
    precision: precision(confusion),
    recall: recall(confusion),
    f1: f1(confusion),
    f2: fBeta(confusion, 2),
    workload: (confusion.tp + confusion.fp) / scores.length,
    average_precision: averagePrecision(scores, labels),
    wss_at_95: wss.wss,
    wss_at_95_normalised: wss.wss_normalised,
    wss_detail: wss,
    ece: expectedCalibrationError(scores, labels, 10),
    brier: brierScore(scores, labels),
    recall_at_budget: {
      '5': recallAtBudget(scores, labels, 0.05),
      '10': recallAtBudget(scores, labels, 0.1),
      '20': recallAtBudget(scores, labels, 0.2),
    },
    ci: bootstrapClassificationIntervals(scores, flagged, labels, bootstrap),
    pr_curve: prCurve(scores, labels),
    reliability: reliabilityBins(scores, labels, 10),
  };
}

function truncate(text: string, max: number): string {
  if (max <= 0) return '';
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** One misclassified record, explained by what the screener found, quoting at most NARRATIVE_BUDGET characters. */
export function errorCase(record: LabelledRecord, result: ScreeningResult, task: Task, threshold: number, redact = false): ErrorCase {
  let budget = redact ? 0 : NARRATIVE_BUDGET / 2; // span texts take at most half; the excerpt gets the rest
  const indicators = result.indicators.map((indicator) => {
    const spans: string[] = [];
    for (const span of indicator.spans) {
      const text = truncate(span.text, Math.min(60, budget));
      if (!text) break;
      spans.push(text);
      budget -= text.length;
    }
    const context = indicator.context
      ? (['negated', 'hypothetical', 'historical', 'other_experiencer', 'proxy', 'uncertain', 'counter_allegation', 'quoted'] as const).filter((k) => indicator.context![k])
      : [];
    return { code: indicator.code, label: indicator.label, source: indicator.source, context, spans };
  });
  const spanChars = indicators.reduce((sum, i) => sum + i.spans.reduce((s, t) => s + t.length, 0), 0);
  return {
    id: record.id,
    score: scoreOf(result, task),
    threshold,
    recorded_as: result.recorded_as_class ?? record.recorded_as ?? null,
    risk_level: result.risk_level,
    label_risk: record.label_risk ?? null,
    scenario: record.scenario ?? null,
    flags: [...result.flags],
    indicators,
    recommendation: truncate(result.recommendation, 400),
    excerpt: redact ? '' : truncate(record.text.replace(/\s+/g, ' ').trim(), NARRATIVE_BUDGET - spanChars),
  };
}

function subgroupKey(field: SubgroupField, record: LabelledRecord, result: ScreeningResult): string {
  switch (field) {
    case 'relationship':
      return record.relationship ?? '(none)';
    case 'style':
      return record.style ?? '(none)';
    case 'online':
      return record.online === undefined ? '(none)' : record.online ? 'online' : 'offline';
    case 'kind':
      return record.kind ?? 'incident'; // CONTRACT §1 default
    case 'recorded_as':
      return recordedAsKey(record, result);
    case 'scenario_family':
      return record.scenario ? record.scenario.split(':')[0]! : '(none)';
  }
}

function recordedAsKey(record: LabelledRecord, result: ScreeningResult): string {
  return result.recorded_as_class ?? record.recorded_as ?? '(none)';
}

function variantTaskMetrics(scores: number[], flagged: boolean[], labels: boolean[], threshold: number, referencePrecision: number, bootstrap: BootstrapOptions): VariantTaskMetrics {
  const c = confusionOf(flagged, labels);
  return {
    threshold,
    precision: precision(c),
    recall: recall(c),
    f2: fBeta(c, 2),
    workload: (c.tp + c.fp) / scores.length,
    wss_at_95: workSavedOverSampling(scores, labels, 0.95).wss,
    ci: bootstrapClassificationIntervals(scores, flagged, labels, bootstrap),
    average_precision: averagePrecision(scores, labels),
    recall_at_operating_precision: recallAtPrecision(scores, labels, referencePrecision),
    ece: expectedCalibrationError(scores, labels, 10),
    pr_curve: prCurve(scores, labels),
  };
}

export async function evaluate(options: EvaluateOptions): Promise<Evaluation> {
  const { records, screener } = options;
  if (records.length === 0) throw new Error('no records to evaluate');
  const bootstrap = { ...BOOTSTRAP_DEFAULTS, ...options.bootstrap };
  const variants = Object.entries(options.variants ?? {});
  const extraRuns = variants.filter(([, v]) => v !== screener).length;

  const showProgress = options.progress ?? Boolean(process.stderr.isTTY);
  const bar = showProgress
    ? new cliProgress.SingleBar({ stream: process.stderr, format: 'screening [{bar}] {value}/{total} {eta_formatted}' }, cliProgress.Presets.shades_classic)
    : null;
  bar?.start(records.length * (1 + extraRuns), 0);
  const tick = () => bar?.increment();

  try {
    const results = await screenAll(screener, records, tick);
    const thresholds = { ...screener.thresholds };
    const labels: Record<Task, boolean[]> = {
      stalking: records.map((r) => r.label_stalking),
      s4a: records.map((r) => r.label_s4a),
    };
    // Precision, recall and F1 measure the flags `screen` returned: what a reviewer would actually see.
    const flags: Record<Task, boolean[]> = {
      stalking: results.map((r) => flagOf(r, 'stalking')),
      s4a: results.map((r) => flagOf(r, 's4a')),
    };
    const warnings: string[] = [];
    const perTask = {} as Record<Task, TaskMetrics>;
    for (const task of TASKS) {
      const scores = results.map((r) => scoreOf(r, task));
      const inconsistent = results.filter((r) => flagOf(r, task) !== scoreOf(r, task) >= thresholds[task]).length;
      if (inconsistent > 0) {
        // CONTRACT §2: a flag means the score is at or above the threshold. Report any other rule.
        warnings.push(`${inconsistent} result(s) have ${task}_flag disagreeing with ${task}_score >= ${thresholds[task]}; precision, recall and F1 use the flags as returned`);
      }
      perTask[task] = taskMetrics(scores, flags[task], labels[task], thresholds[task], bootstrap);
    }
    if (thresholds.priority !== undefined) {
      const band = results.map((r) => r.stalking_score >= thresholds.priority!);
      const c = confusionOf(band, labels.stalking);
      perTask.stalking.priority = { threshold: thresholds.priority, flagged: c.tp + c.fp, workload: (c.tp + c.fp) / records.length, precision: precision(c), recall: recall(c) };
    }

    const byRecordedAs = new Map<string, number[]>();
    records.forEach((record, i) => {
      const key = recordedAsKey(record, results[i]!);
      byRecordedAs.set(key, [...(byRecordedAs.get(key) ?? []), i]);
    });
    const recordedAsRows: RecordedAsRow[] = [...byRecordedAs.entries()]
      .map(([key, idx]) => {
        const confusion = (task: Task) =>
          confusionOf(
            idx.map((i) => flags[task][i]!),
            idx.map((i) => labels[task][i]!),
          );
        return { recorded_as: key, n: idx.length, stalking: confusion('stalking'), s4a: confusion('s4a') };
      })
      .sort((a, b) => b.n - a.n || a.recorded_as.localeCompare(b.recorded_as));

    const withRisk = records.map((r, i) => ({ label: r.label_risk, predicted: results[i]!.risk_level })).filter((x) => x.label !== undefined);
    const classes = [...RISK_LEVELS] as RiskLevel[];
    const riskConfusion = multiClassConfusion(
      withRisk.map((x) => x.label as RiskLevel),
      withRisk.map((x) => x.predicted),
      classes,
    );

    const subgroups = {} as EvaluationMetrics['subgroups'];
    for (const task of TASKS) {
      const flagged = flags[task];
      subgroups[task] = {} as Record<SubgroupField, SubgroupTable>;
      for (const field of SUBGROUP_FIELDS) {
        subgroups[task][field] = subgroupRates(
          records.map((r, i) => subgroupKey(field, r, results[i]!)),
          flagged,
          labels[task],
        );
      }
    }

    const errors = {} as EvaluationMetrics['errors'];
    for (const task of TASKS) {
      const idx = records.map((_, i) => i);
      const flagged = (i: number) => flags[task][i]!;
      // Most confident mistakes first: misses with the lowest scores, false alarms with the highest.
      const fn = idx.filter((i) => labels[task][i] && !flagged(i)).sort((a, b) => scoreOf(results[a]!, task) - scoreOf(results[b]!, task) || a - b);
      const fp = idx.filter((i) => !labels[task][i] && flagged(i)).sort((a, b) => scoreOf(results[b]!, task) - scoreOf(results[a]!, task) || a - b);
      errors[task] = {
        false_negatives: fn.slice(0, ERROR_CASES).map((i) => errorCase(records[i]!, results[i]!, task, thresholds[task], options.redact)),
        false_positives: fp.slice(0, ERROR_CASES).map((i) => errorCase(records[i]!, results[i]!, task, thresholds[task], options.redact)),
      };
    }

    let ablation: EvaluationMetrics['ablation'];
    if (variants.length > 0) {
      const referencePrecision = { stalking: perTask.stalking.precision, s4a: perTask.s4a.precision };
      ablation = { reference_precision: referencePrecision, variants: {} };
      for (const [name, variant] of variants) {
        const variantResults = variant === screener ? results : await screenAll(variant, records, tick);
        const entry = (task: Task) =>
          variantTaskMetrics(
            variantResults.map((r) => scoreOf(r, task)),
            variantResults.map((r) => flagOf(r, task)),
            labels[task],
            variant.thresholds[task],
            referencePrecision[task],
            bootstrap,
          );
        ablation.variants[name] = {
          versions: { ...variant.versions },
          thresholds: { ...variant.thresholds },
          stalking: entry('stalking'),
          s4a: entry('s4a'),
        };
      }
    }

    const metrics: EvaluationMetrics = {
      schema_version: 1,
      generated_at: new Date().toISOString(),
      dataset: { ...options.dataset, n: records.length },
      n: records.length,
      screener: { versions: { ...screener.versions }, thresholds },
      ...(options.redact ? { redacted: true } : {}),
      bootstrap: { method: 'percentile', resamples: bootstrap.resamples, seed: bootstrap.seed, level: bootstrap.level },
      stalking: perTask.stalking,
      s4a: perTask.s4a,
      by_recorded_as: recordedAsRows,
      risk: {
        n_labelled: riskConfusion.n,
        classes,
        matrix: riskConfusion.matrix,
        accuracy: riskConfusion.accuracy,
        high_missed: withRisk.filter((x) => x.label === 'high' && x.predicted !== 'high').length,
      },
      subgroups,
      errors,
      ...(ablation ? { ablation } : {}),
      warnings,
    };
    return { metrics, records, results, labels };
  } finally {
    bar?.stop();
  }
}

/** JSON for metrics.json: undefined figures (NaN) become null rather than a misleading number. */
export function metricsToJson(metrics: EvaluationMetrics): string {
  return `${JSON.stringify(metrics, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}
