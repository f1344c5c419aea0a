// Trains the hybrid scorer (models/hybrid-scorer.json) on DEVELOPMENT data only: the synthetic
// corpus and the dev split of the gold set. The gold test split is never read here.
//   node --import tsx scripts/train-hybrid.ts [--recall 0.85] [--folds 5] [--gold-share 0.5] [--out FILE]
//                                             [--emb-dims N] [--vectors-cache FILE]
//
// 1. Every record through the rules (pipeline.analyse) and the sentence splitter; every sentence
//    embedded once with the configured embedding model (EMBEDDING_MODEL, default wink-sg-100d).
// 2. The common direction (the unit mean of all development sentence vectors) is removed from every
//    vector before comparison: averaged word vectors all share it, and it drowns the differences.
// 3. Per-code similarity thresholds for the semantic matcher: the lowest similarity at which the
//    records a code's semantic matches fire in are, by their labels, right often enough (PRECISION),
//    counting only matches that are not negated or hypothetical and that no rule of the code covers;
//    never below the similarity one clause in NULL_RATE of the clean records reaches.
// 4. For each variant (hybrid: rule + semantic features + pooled embedding; embeddings: semantic
//    features + pooled embedding alone), a logistic regression per task (stalking, s4A) with L2
//    (strength chosen by out-of-fold log loss), fitted by Newton's method on standardised features.
// 5. Platt calibration on the out-of-fold logits (each record scored by a model that never saw it),
//    and the operating thresholds: the highest giving the recall target on the gold dev records'
//    out-of-fold calibrated scores.
// 6. Out-of-fold figures on gold dev for rules-only (a logistic model over the same rule features,
//    same folds), embeddings-only and hybrid go into the model file and are printed: an honest
//    comparison, since the in-sample one on gold dev would flatter whatever was trained on it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labelledRecordSchema, type LabelledRecord } from '../datasets/schema.ts';
import { averagePrecision, expectedCalibrationError, recallAtPrecision, thresholdForRecall } from '../eval/metrics.ts';
import { modelTag } from '../src/embeddings/embedder.ts';
import { closeSharedEmbedder, sharedEmbedder } from '../src/embeddings/registry.ts';
import { adjust, prepareDoc, semanticCodes, SemanticMatcher, type SemanticCode, type SemanticDoc, type SemanticSettings } from '../src/embeddings/semantic.ts';
import { loadCatalogue } from '../src/rules/compile.ts';
import { isCounted } from '../src/screening/assess.ts';
import {
  featureNames,
  featureValues,
  HYBRID_MODEL_PATH,
  hybridEvidence,
  VARIANTS,
  type HybridContext,
  type HybridModel,
  type HybridVariant,
  type RecordEvidence,
} from '../src/screening/hybrid.ts';
import { analyse, type Analysis } from '../src/screening/pipeline.ts';
import { FEATURES, loadScorer } from '../src/screening/score.ts';
import { mulberry32 } from '../eval/bootstrap.ts';

const ROOT = join(import.meta.dirname, '..');
const SOURCES = ['datasets/synthetic/dev.jsonl', 'datasets/gold/dev.jsonl'] as const;
/** Matches below this similarity are never considered (after the common direction is removed). */
const FLOOR = 0.45;
/** A code whose matches never reach the precision target only fires on near-verbatim paraphrases. */
const CEILING = 0.9;
const PRECISION = 0.75;
const MIN_SUPPORT = 3;
/** A code's threshold is at least the similarity reached by one clause in this many from clean records. */
const NULL_RATE = 2000;
const MAX_CODES_PER_SENTENCE = 2;
const L2_GRID = [1, 10, 100, 1000];

// ---- small numerical helpers ------------------------------------------------------------------

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Solves A x = b for a symmetric positive definite A (Cholesky); A is n*n row-major. */
function solveSpd(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = A[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) L[i * n + i] = Math.sqrt(Math.max(sum, 1e-12));
      else L[i * n + j] = sum / L[j * n + j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= L[i * n + k]! * y[k]!;
    y[i] = sum / L[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= L[k * n + i]! * x[k]!;
    x[i] = sum / L[i * n + i]!;
  }
  return x;
}

interface Fit {
  bias: number;
  weights: Float64Array;
}

/**
 * Weighted logistic regression with an L2 penalty (not on the bias), by Newton's method.
 * X holds standardised rows; weights sum to the number of rows, so l2 is comparable across sets.
 */
export function fitLogistic(X: Float64Array[], y: boolean[], w: number[], l2: number, iterations = 15): Fit {
  const d = X[0]!.length;
  const n = d + 1; // bias last
  const beta = new Float64Array(n);
  for (let it = 0; it < iterations; it++) {
    const H = new Float64Array(n * n);
    const g = new Float64Array(n);
    for (let i = 0; i < X.length; i++) {
      const x = X[i]!;
      let z = beta[d]!;
      for (let j = 0; j < d; j++) z += beta[j]! * x[j]!;
      const p = sigmoid(z);
      const r = w[i]! * (p - (y[i] ? 1 : 0));
      const h = w[i]! * Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j < d; j++) {
        g[j]! += r * x[j]!;
        const hx = h * x[j]!;
        const row = j * n;
        for (let k = 0; k <= j; k++) H[row + k]! += hx * x[k]!;
        H[j * n + d]! += hx;
      }
      g[d]! += r;
      H[d * n + d]! += h;
    }
    for (let j = 0; j < d; j++) {
      g[j]! += l2 * beta[j]!;
      H[j * n + j]! += l2;
    }
    for (let j = 0; j < n; j++) for (let k = 0; k < j; k++) H[k * n + j] = H[j * n + k]!;
    for (let j = 0; j < d; j++) H[d * n + j] = H[j * n + d]!;
    const step = solveSpd(H, g, n);
    let change = 0;
    for (let j = 0; j < n; j++) {
      beta[j]! -= step[j]!;
      change = Math.max(change, Math.abs(step[j]!));
    }
    if (change < 1e-5) break;
  }
  return { bias: beta[d]!, weights: beta.slice(0, d) };
}

const logit = (f: Fit, x: Float64Array) => {
  let z = f.bias;
  for (let j = 0; j < x.length; j++) z += f.weights[j]! * x[j]!;
  return z;
};

/** Platt scaling: p = sigmoid(a z + b), fitted by weighted maximum likelihood (a tiny ridge keeps it finite). */
export function fitPlatt(z: number[], y: boolean[], w: number[]): { a: number; b: number } {
  const f = fitLogistic(
    z.map((v) => Float64Array.of(v)),
    y,
    w,
    1e-3,
  );
  return { a: f.weights[0]!, b: f.bias };
}

/** The highest threshold whose recall on these examples reaches the target. */
function weightedLogLoss(p: number[], y: boolean[], w: number[]): number {
  let s = 0;
  let t = 0;
  p.forEach((v, i) => {
    const q = Math.min(Math.max(v, 1e-9), 1 - 1e-9);
    s -= w[i]! * (y[i] ? Math.log(q) : Math.log(1 - q));
    t += w[i]!;
  });
  return s / t;
}

// ---- data -------------------------------------------------------------------------------------

interface Example {
  record: LabelledRecord;
  gold: boolean;
  weight: number;
  rules: Analysis;
  doc: SemanticDoc;
  raw: Float32Array[];
  vectors: Float32Array[];
  evidence: Partial<Record<HybridVariant, RecordEvidence>>;
}

function read(path: string): LabelledRecord[] {
  if (/gold\/test/.test(path)) throw new Error('the gold test split is never used for training');
  const full = join(ROOT, path);
  if (!existsSync(full)) return [];
  return readFileSync(full, 'utf8').split('\n').filter(Boolean).map((l) => labelledRecordSchema.parse(JSON.parse(l)));
}

/** Raw sentence vectors by text, optionally kept in a file between runs (keyed by the model tag). */
async function embedAll(texts: string[], embed: (t: string[]) => Promise<Float32Array[]>, tag: string, cacheFile?: string): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  if (cacheFile && existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { tag: string; vectors: Record<string, number[]> };
    if (cached.tag === tag) for (const [t, v] of Object.entries(cached.vectors)) out.set(t, Float32Array.from(v));
  }
  const missing = [...new Set(texts)].filter((t) => !out.has(t));
  const started = Date.now();
  for (let i = 0; i < missing.length; i += 512) {
    const batch = missing.slice(i, i + 512);
    (await embed(batch)).forEach((v, k) => out.set(batch[k]!, v));
    if ((i / 512) % 10 === 9) process.stderr.write(`  embedded ${i + batch.length}/${missing.length} sentences (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  if (cacheFile && missing.length) {
    const vectors: Record<string, number[]> = {};
    for (const [t, v] of out) vectors[t] = [...v].map((x) => Math.round(x * 1e6) / 1e6);
    writeFileSync(cacheFile, JSON.stringify({ tag, vectors }));
  }
  return out;
}

// ---- per-code thresholds ----------------------------------------------------------------------

/**
 * Whether a record's labels say an indicator of this code is right to be there. Behaviours: the
 * record asserts a behaviour of the same DOMAIN §2 family (C1-C5 are all physical presence, and a
 * car parked outside her house is fairly C2 or C4). Impact: s4A. A high-severity risk marker: high
 * risk; another risk marker: any risk above standard.
 */
function labelFor(code: SemanticCode, r: LabelledRecord): boolean {
  if (code.category === 'behaviour') return (r.indicators ?? []).some((c) => c[0] === code.code[0]);
  if (code.category === 'impact') return r.label_s4a;
  return code.severity === 'high' ? r.label_risk === 'high' : r.label_risk !== undefined && r.label_risk !== 'standard';
}

/** Records with nothing in them: no stalking, no s4A, standard risk, no behaviour asserted. */
const isClean = (r: LabelledRecord) => !r.label_stalking && !r.label_s4a && r.label_risk === 'standard' && (r.indicators ?? []).length === 0;

/**
 * Per code, the higher of two similarities:
 *  - precision: the lowest similarity above which the counted, uncovered matches fall in records
 *    whose labels agree at least PRECISION of the time (at least MIN_SUPPORT records), else CEILING;
 *  - null: the similarity that only 1 clause in NULL_RATE of the clean records reaches, so a code the
 *    labels cannot judge (broad proxies for impact and risk) still rarely fires on ordinary text.
 */
async function chooseThresholds(examples: Example[], ctx: HybridContext): Promise<{ thresholds: Record<string, number>; table: string[] }> {
  const nc = ctx.matcher.codes.length;
  const best = new Map<string, { m: number; y: boolean; w: number }[]>();
  const nullSims: number[][] = ctx.matcher.codes.map(() => []);
  for (const c of ctx.matcher.codes) best.set(c.code, []);
  for (const e of examples) {
    if (isClean(e.record)) {
      const { best: sims } = await ctx.matcher.scores(e.vectors);
      for (let u = 0; u < e.vectors.length; u++) for (let c = 0; c < nc; c++) nullSims[c]!.push(sims[u * nc + c]!);
    }
    // Every counted, uncovered match at or above the floor, whatever the other codes of its clause.
    const found = await ctx.matcher.indicators(e.doc, await ctx.matcher.candidates(e.vectors, () => FLOOR), e.rules.result.indicators);
    const top = new Map<string, number>();
    for (const ind of found.filter(isCounted)) top.set(ind.code, Math.max(top.get(ind.code) ?? -1, ind.similarity ?? 0));
    for (const c of ctx.matcher.codes) {
      // Every record counts once: the synthetic labels are exact, and 120 gold records weighted up
      // to half of the total would let a handful of sentences set a threshold.
      best.get(c.code)!.push({ m: top.get(c.code) ?? -1, y: labelFor(c, e.record), w: 1 });
    }
  }
  const thresholds: Record<string, number> = {};
  const table: string[] = [];
  ctx.matcher.codes.forEach((c, ci) => {
    const rows = best.get(c.code)!.filter((r) => r.m >= FLOOR).sort((a, b) => b.m - a.m);
    // Walk down from the most similar: the lowest similarity where precision above it still holds.
    let tp = 0;
    let all = 0;
    let n = 0;
    let byPrecision = CEILING;
    rows.forEach((r, i) => {
      all += r.w;
      if (r.y) tp += r.w;
      n++;
      // Only at the end of a run of equal similarities (the same boilerplate clause in many records).
      const endOfTies = i + 1 === rows.length || rows[i + 1]!.m < r.m;
      if (endOfTies && n >= MIN_SUPPORT && tp / all >= PRECISION && r.m < byPrecision) byPrecision = r.m;
    });
    const sims = nullSims[ci]!.sort((a, b) => a - b);
    // Strictly above the 1-in-NULL_RATE clean clause (a tiny step keeps ties with it out).
    const byNull = sims.length ? sims[Math.min(sims.length - 1, Math.floor((1 - 1 / NULL_RATE) * sims.length))]! + 1e-4 : FLOOR;
    const chosen = Math.floor(Math.min(Math.max(byPrecision, byNull, FLOOR), CEILING) * 10000) / 10000;
    thresholds[c.code] = chosen;
    const fires = rows.filter((r) => r.m >= chosen);
    const precision = fires.length ? fires.filter((r) => r.y).length / fires.length : NaN;
    table.push(
      `${c.code.padEnd(36)} ${chosen.toFixed(4)} (precision ${byPrecision.toFixed(3)}, null ${byNull.toFixed(3)})  fires in ${String(fires.length).padStart(4)} dev records, label precision ${Number.isNaN(precision) ? '  - ' : precision.toFixed(2)}`,
    );
  });
  return { thresholds, table };
}

// ---- fitting ----------------------------------------------------------------------------------

type Task = 'stalking' | 's4a';

function folds(examples: Example[], k: number, seed: number): number[] {
  // Stratified by source and stalking label, so every fold has gold and positives.
  const rand = mulberry32(seed);
  const fold = new Array<number>(examples.length);
  const groups = new Map<string, number[]>();
  examples.forEach((e, i) => {
    const key = `${e.gold}:${e.record.label_stalking}:${e.record.label_s4a}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const idx of groups.values()) {
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    idx.forEach((i, r) => (fold[i] = r % k));
  }
  return fold;
}

interface Design {
  names: string[];
  mean: number[];
  scale: number[];
  X: Float64Array[];
}

function design(names: string[], rows: number[][], w: number[]): Design {
  const total = w.reduce((a, b) => a + b, 0);
  const mean = names.map((_, j) => rows.reduce((s, r, i) => s + w[i]! * r[j]!, 0) / total);
  const scale = names.map((_, j) => {
    const v = rows.reduce((s, r, i) => s + w[i]! * (r[j]! - mean[j]!) ** 2, 0) / total;
    return v > 1e-12 ? Math.sqrt(v) : 1;
  });
  const X = rows.map((r) => Float64Array.from(r, (x, j) => (x - mean[j]!) / scale[j]!));
  return { names, mean: mean.map((m) => +m.toPrecision(8)), scale: scale.map((s) => +s.toPrecision(8)), X };
}

interface HeadResult {
  l2: number;
  fit: Fit;
  platt: { a: number; b: number };
  /** Out-of-fold calibrated probabilities, per example. */
  oof: number[];
}

function trainHead(d: Design, y: boolean[], w: number[], fold: number[], k: number, l2Grid: number[]): HeadResult {
  let bestL2 = l2Grid[0]!;
  let bestLoss = Infinity;
  let bestZ: number[] = [];
  for (const l2 of l2Grid) {
    const z = new Array<number>(d.X.length);
    for (let f = 0; f < k; f++) {
      const tr = d.X.map((_, i) => i).filter((i) => fold[i] !== f);
      const fit = fitLogistic(
        tr.map((i) => d.X[i]!),
        tr.map((i) => y[i]!),
        tr.map((i) => w[i]!),
        l2,
      );
      d.X.forEach((x, i) => {
        if (fold[i] === f) z[i] = logit(fit, x);
      });
    }
    const loss = weightedLogLoss(z.map(sigmoid), y, w);
    if (loss < bestLoss) {
      bestLoss = loss;
      bestL2 = l2;
      bestZ = z;
    }
  }
  const platt = fitPlatt(bestZ, y, w);
  const fit = fitLogistic(d.X, y, w, bestL2);
  return { l2: bestL2, fit, platt, oof: bestZ.map((z) => sigmoid(platt.a * z + platt.b)) };
}

const r4 = (x: number) => Math.round(x * 10000) / 10000;

// ---- main -------------------------------------------------------------------------------------

async function main() {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const target = Number(arg('recall') ?? 0.85);
  const k = Number(arg('folds') ?? 5);
  const goldShare = Number(arg('gold-share') ?? 0.5);
  const outPath = arg('out') ?? HYBRID_MODEL_PATH;
  const cacheFile = arg('vectors-cache');
  // Pooled-embedding dimensions given to the scorers (default all of them; 0 for none).
  const embDimsArg = arg('emb-dims');

  const catalogue = loadCatalogue();
  const rulesScorer = loadScorer();
  const embedder = await sharedEmbedder();
  const info = embedder.info();
  const tag = modelTag(info);
  const hash = createHash('sha256').update(catalogue.version).update(tag);

  const examples: Example[] = [];
  for (const path of SOURCES) {
    const records = read(path);
    if (!records.length) {
      console.warn(`skipping ${path}: not found`);
      continue;
    }
    hash.update(path).update(String(records.length));
    const gold = path.includes('gold');
    const weight = ((gold ? goldShare : 1 - goldShare) * 1) / records.length;
    for (const record of records) {
      const rules = analyse(record, catalogue, rulesScorer, { stalking: rulesScorer.stalking.threshold, s4a: rulesScorer.s4a.threshold });
      examples.push({ record, gold, weight, rules, doc: prepareDoc(catalogue, record.text), raw: [], vectors: [], evidence: {} });
    }
  }
  // Weights sum to the number of examples, so the L2 strengths mean the same whatever the mix.
  const wsum = examples.reduce((s, e) => s + e.weight, 0);
  for (const e of examples) e.weight *= examples.length / wsum;
  const nGold = examples.filter((e) => e.gold).length;
  console.log(`${examples.length} development records (${nGold} gold dev), embedding model ${tag}`);

  const texts = examples.flatMap((e) => e.doc.units.map((u) => u.text));
  const t0 = Date.now();
  const raw = await embedAll(texts, (t) => embedder.embed(t), tag, cacheFile);
  console.log(`${texts.length} sentences (${new Set(texts).size} distinct) embedded in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  // The common direction: unit mean over the distinct development sentences.
  const dims = info.dimensions;
  const mean = new Float64Array(dims);
  for (const v of raw.values()) for (let i = 0; i < dims; i++) mean[i]! += v[i]!;
  const norm = Math.sqrt(mean.reduce((s, x) => s + x * x, 0));
  const common = [...mean].map((x) => +(x / norm).toFixed(7));
  const commonVec = Float32Array.from(common);
  for (const e of examples) {
    e.raw = e.doc.units.map((u) => raw.get(u.text)!);
    e.vectors = e.raw.map((v) => adjust(v, commonVec));
  }

  const lap = (what: string, since: number) => console.log(`${what} in ${((Date.now() - since) / 1000).toFixed(0)} s`);
  const codes = semanticCodes(catalogue);
  let t1 = Date.now();
  const probe = await SemanticMatcher.load(embedder, catalogue, { common, thresholds: {}, default_threshold: FLOOR, max_codes_per_sentence: 1000 });
  const { thresholds, table } = await chooseThresholds(examples, { catalogue, codes, matcher: probe });
  console.log(`per-code thresholds (label precision ${PRECISION} with at least ${MIN_SUPPORT} records, else ${CEILING}; never below the 1-in-${NULL_RATE} clean-clause similarity):`);
  for (const line of table) console.log(`  ${line}`);
  lap('thresholds chosen', t1);
  t1 = Date.now();
  const semantic: SemanticSettings = { common, thresholds, default_threshold: CEILING, max_codes_per_sentence: MAX_CODES_PER_SENTENCE };
  const matcher = await SemanticMatcher.load(embedder, catalogue, semantic);
  const ctx: HybridContext = { catalogue, codes, matcher };
  for (const e of examples) for (const variant of VARIANTS) e.evidence[variant] = (await hybridEvidence(ctx, variant, e.doc, e.vectors, e.rules)).evidence;

  lap('features built', t1);
  t1 = Date.now();
  const fold = folds(examples, k, 20261123);
  const w = examples.map((e) => e.weight);
  const labels: Record<Task, boolean[]> = { stalking: examples.map((e) => e.record.label_stalking), s4a: examples.map((e) => e.record.label_s4a) };
  const goldIdx = examples.map((_, i) => i).filter((i) => examples[i]!.gold);

  const report: Record<string, Record<Task, { average_precision: number; recall_at_precision: number; ece: number; threshold: number; recall: number; precision: number }>> = {};
  const variants = {} as HybridModel['variants'];
  // The rules-only reference: the same learner over the 13 rule features, the same folds.
  const setups: { name: string; names: string[]; row: (e: Example) => number[] }[] = [
    { name: 'rules-only', names: FEATURES.map((f) => `rule.${f}`), row: (e) => FEATURES.map((f) => e.rules.features[f]) },
    ...VARIANTS.map((variant) => {
      const names = featureNames(variant, embDimsArg === undefined ? dims : Math.min(Number(embDimsArg), dims));
      return { name: variant, names, row: (e: Example) => featureValues(names, variant, e.evidence[variant]!) };
    }),
  ];
  let referencePrecision: Record<Task, number> | undefined;
  for (const setup of setups) {
    const d = design(setup.names, examples.map(setup.row), w);
    const heads = {} as Record<Task, HeadResult>;
    for (const task of ['stalking', 's4a'] as const) heads[task] = trainHead(d, labels[task], w, fold, k, L2_GRID);
    // s4A is stalking plus impact: its probability never exceeds that of stalking.
    const oofS4a = heads.s4a.oof.map((p, i) => Math.min(p, heads.stalking.oof[i]!));
    const scored: Record<Task, number[]> = { stalking: heads.stalking.oof, s4a: oofS4a };
    const th = {} as Record<Task, number>;
    for (const task of ['stalking', 's4a'] as const) th[task] = thresholdForRecall(goldIdx.map((i) => scored[task][i]!), goldIdx.map((i) => labels[task][i]!), target);
    th.s4a = Math.max(th.s4a, th.stalking);
    const entry = {} as (typeof report)[string];
    for (const task of ['stalking', 's4a'] as const) {
      const s = goldIdx.map((i) => scored[task][i]!);
      const yl = goldIdx.map((i) => labels[task][i]!);
      const tp = s.filter((p, j) => p >= th[task] && yl[j]).length;
      const fp = s.filter((p, j) => p >= th[task] && !yl[j]).length;
      const precision = tp / Math.max(tp + fp, 1);
      referencePrecision ??= {} as Record<Task, number>;
      if (setup.name === 'rules-only') referencePrecision[task] = precision;
      entry[task] = {
        threshold: th[task],
        precision: r4(precision),
        recall: r4(tp / Math.max(yl.filter(Boolean).length, 1)),
        average_precision: r4(averagePrecision(s, yl)),
        recall_at_precision: r4(recallAtPrecision(s, yl, referencePrecision[task]!)),
        ece: r4(expectedCalibrationError(s, yl, 10)),
      };
    }
    report[setup.name] = entry;
    if (setup.name === 'hybrid' || setup.name === 'embeddings') {
      const head = (task: Task) => ({
        bias: r4(heads[task].fit.bias),
        weights: [...heads[task].fit.weights].map(r4),
        platt: { a: r4(heads[task].platt.a), b: r4(heads[task].platt.b) },
        threshold: th[task],
      });
      variants[setup.name] = { features: d.names, mean: d.mean, scale: d.scale, l2: heads.stalking.l2, stalking: head('stalking'), s4a: head('s4a') };
      hash.update(JSON.stringify(variants[setup.name]));
    }
    console.log(`${setup.name}: L2 ${heads.stalking.l2} (stalking), ${heads.s4a.l2} (s4A)`);
  }

  lap('models fitted', t1);
  const model: HybridModel = {
    id: `hybrid-lr-${hash.digest('hex').slice(0, 10)}`,
    created_by: 'scripts/train-hybrid.ts',
    fitted_on: `${SOURCES.join(' + ')} (gold share ${goldShare}); recall target ${target} on gold dev out-of-fold; ${k} folds; catalogue ${catalogue.version}`,
    embedding_model: { id: info.id, version: info.version, checksum: info.checksum, tag },
    catalogue: catalogue.version,
    semantic,
    variants,
    development: {
      note: `Out-of-fold on the ${nGold} gold dev records (each scored by a model fitted without it). recall_at_precision is at the rules-only operating precision.`,
      ...report,
    },
  };
  writeFileSync(outPath, JSON.stringify(model, null, 1) + '\n');

  console.log(`\nout-of-fold on gold dev (n=${nGold}); recall@P at the rules-only operating precision`);
  console.log('| variant | task | PR-AUC (AP) | recall@P | ECE | threshold | precision | recall |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, entry] of Object.entries(report)) {
    for (const task of ['stalking', 's4a'] as const) {
      const m = entry[task];
      console.log(`| ${name} | ${task} | ${m.average_precision.toFixed(3)} | ${m.recall_at_precision.toFixed(3)} | ${m.ece.toFixed(3)} | ${m.threshold} | ${m.precision.toFixed(3)} | ${m.recall.toFixed(3)} |`);
    }
  }
  console.log(`wrote ${outPath} (${model.id})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main()
    .catch((err) => {
      console.error(err instanceof Error ? err.stack : err);
      process.exitCode = 1;
    })
    .finally(() => closeSharedEmbedder());
}
