// Fits the rules-only scorer (models/scorer-rules.json): the weights on TRAINING data (the blind-written
// training split, written by writers the dev and test splits never saw, and the synthetic corpus),
// the operating threshold on DEVELOPMENT data (the blind-written dev split and the gold dev split).
// No test split is read.
//   node --import tsx scripts/fit-scorer.ts [--recall 0.85]
// Logistic regression (L2) by full-batch gradient descent over the interpretable features of
// src/screening/score.ts; then the operating threshold is the highest one reaching the recall
// target on the development records.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labelledRecordSchema, type LabelledRecord } from '../datasets/schema.ts';
import { loadCatalogue } from '../src/rules/compile.ts';
import { confusionAt, thresholdForRecall } from '../eval/metrics.ts';
import { analyse } from '../src/screening/pipeline.ts';
import { DEFAULT_SCORER, FEATURES, SCORER_PATH, type FeatureVector, type LogisticModel, type ScorerModel } from '../src/screening/score.ts';

const ROOT = join(import.meta.dirname, '..');
/** `share`: the part of the fitting weight a source carries; dev sources choose the threshold only. */
const SOURCES = [
  { path: 'datasets/blind/train.jsonl', share: 0.6, role: 'fit' },
  { path: 'datasets/synthetic/dev.jsonl', share: 0.4, role: 'fit' },
  { path: 'datasets/blind/dev.jsonl', share: 0, role: 'threshold' },
  { path: 'datasets/gold/dev.jsonl', share: 0, role: 'threshold' },
] as const;

function read(path: string): LabelledRecord[] {
  const full = join(ROOT, path);
  if (!existsSync(full)) return [];
  return readFileSync(full, 'utf8').split('\n').filter(Boolean).map((l) => labelledRecordSchema.parse(JSON.parse(l)));
}

interface Example {
  x: FeatureVector;
  y: boolean;
  w: number;
  /** A development record: it chooses the threshold, never a weight. */
  dev: boolean;
}

export function fitLogistic(examples: { x: FeatureVector; y: boolean; w: number }[], l2 = 0.01, iterations = 4000, rate = 0.5): Omit<LogisticModel, 'threshold'> {
  const weights = Object.fromEntries(FEATURES.map((f) => [f, 0])) as Record<string, number>;
  let bias = 0;
  const total = examples.reduce((s, e) => s + e.w, 0);
  for (let it = 0; it < iterations; it++) {
    const grad = Object.fromEntries(FEATURES.map((f) => [f, 0])) as Record<string, number>;
    let gb = 0;
    for (const e of examples) {
      let z = bias;
      for (const f of FEATURES) z += weights[f]! * e.x[f];
      const err = (1 / (1 + Math.exp(-z)) - (e.y ? 1 : 0)) * e.w;
      gb += err;
      for (const f of FEATURES) grad[f]! += err * e.x[f];
    }
    bias -= (rate * gb) / total;
    for (const f of FEATURES) weights[f]! -= rate * (grad[f]! / total + l2 * weights[f]!);
  }
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { bias: round(bias), weights: Object.fromEntries(FEATURES.map((f) => [f, round(weights[f]!)])) };
}

const sigmoid = (model: Omit<LogisticModel, 'threshold'>, x: FeatureVector) =>
  1 / (1 + Math.exp(-(model.bias + FEATURES.reduce((z, f) => z + (model.weights[f] ?? 0) * x[f], 0))));

if (import.meta.url === `file://${process.argv[1]}`) {
  const recallArg = process.argv.indexOf('--recall');
  const target = recallArg > 0 ? Number(process.argv[recallArg + 1]) : 0.85;
  const catalogue = loadCatalogue();
  const hash = createHash('sha256').update(catalogue.version);
  const examples: { stalking: Example; s4a: Example }[] = [];
  for (const source of SOURCES) {
    const records = read(source.path);
    if (!records.length) throw new Error(`${source.path} is missing or empty: the rules scorer is fitted on every source listed`);
    hash.update(source.path).update(String(records.length));
    const w = (source.share * 1000) / records.length; // each source carries its share of the weight
    for (const r of records) {
      const { features } = analyse(r, catalogue, DEFAULT_SCORER, { stalking: 0.5, s4a: 0.5 });
      const dev = source.role === 'threshold'; // development records: the threshold, never a weight
      examples.push({ stalking: { x: features, y: r.label_stalking, w, dev }, s4a: { x: features, y: r.label_s4a, w, dev } });
    }
  }
  const fit = (key: 'stalking' | 's4a'): LogisticModel => {
    const data = examples.map((e) => e[key]);
    const model = fitLogistic(data.filter((e) => !e.dev));
    // Every source is required (above), so the development records are never empty.
    const devScored = data.filter((e) => e.dev);
    const p = devScored.map((e) => sigmoid(model, e.x));
    const y = devScored.map((e) => e.y);
    const threshold = thresholdForRecall(p, y, target);
    const { tp, fp, fn } = confusionAt(p, y, threshold);
    console.log(`${key}: threshold ${threshold} -> dev recall ${(tp / Math.max(tp + fn, 1)).toFixed(3)}, precision ${(tp / Math.max(tp + fp, 1)).toFixed(3)} (n=${devScored.length}, positives ${tp + fn})`);
    return { ...model, threshold };
  };
  const stalking = fit('stalking');
  const s4a = fit('s4a');
  // The id follows what the fit produced too: a new feature or a change in how one is counted
  // (src/screening) changes the weights without changing the catalogue or the data.
  hash.update(JSON.stringify({ FEATURES, stalking, s4a }));
  const scorer: ScorerModel = {
    id: `rules-lr-${hash.digest('hex').slice(0, 10)}`,
    fitted_on: `weights: ${SOURCES.filter((s) => s.role === 'fit').map((s) => s.path).join(' + ')}; threshold: recall ${target} on ${SOURCES.filter((s) => s.role === 'threshold').map((s) => s.path).join(' + ')}; catalogue ${catalogue.version}`,
    stalking,
    // s4A is a subset of stalking: never flag s4A below the stalking threshold.
    s4a: { ...s4a, threshold: Math.max(s4a.threshold, stalking.threshold) },
  };
  writeFileSync(SCORER_PATH, JSON.stringify(scorer, null, 2) + '\n');
  console.log(`wrote ${SCORER_PATH} (${scorer.id})`);
}
