// The hybrid screener: the rules, plus semantic indicators from the embedding model, scored by a
// calibrated logistic model over rule features, semantic features and the pooled record embedding.
//
//   analyse (rules) -> sentences -> embed -> semantic indicators (src/embeddings/semantic.ts)
//     -> course of conduct, s4A, FOUR and risk over rule + semantic evidence (the same functions
//        the rules use) -> features -> logistic model -> Platt calibration -> flags and explanation
//
// The weights, calibration, thresholds and semantic settings live in models/hybrid-scorer.json,
// written by scripts/train-hybrid.ts from development data only, with the embedding model they were
// learnt with. The "embeddings" variant is the ablation: the same result shape, scored from the
// semantic evidence and the pooled embedding alone, with no rule indicator in its evidence.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { modelTag } from '../embeddings/embedder.ts';
import { sharedEmbedder } from '../embeddings/registry.ts';
import { pool, prepareDoc, semanticCodes, SemanticMatcher, type EmbedderLike, type SemanticCode, type SemanticDoc } from '../embeddings/semantic.ts';
import { loadCatalogue, type Catalogue } from '../rules/compile.ts';
import { assessRisk, assessS4a, fourScores, isCounted, isCountedBehaviour } from './assess.ts';
import { courseOfConduct } from './conduct.ts';
import { matchOwners } from './match.ts';
import { classify, flagsFor, notesFor, recommendationFor } from './explain.ts';
import { normaliserFor, toOriginal, type NormalisedText } from './normalise.ts';
import { analyse, type Analysis } from './pipeline.ts';
import type { Screener } from './types.ts';
import { FEATURES, features, loadScorer, type FeatureVector, type ScorerModel } from './score.ts';
import type { Indicator, ScreeningRecord, ScreeningResult } from './types.ts';

export const HYBRID_MODEL_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'hybrid-scorer.json');

export type HybridVariant = 'hybrid' | 'embeddings';
export const VARIANTS: readonly HybridVariant[] = ['hybrid', 'embeddings'];

// ---- the model file ---------------------------------------------------------------------------

const headSchema = z.object({
  bias: z.number(),
  weights: z.array(z.number()),
  /** Platt scaling of the logit, fitted on held-out (out-of-fold) development predictions. */
  platt: z.object({ a: z.number(), b: z.number() }),
  threshold: z.number().min(0).max(1),
});
const variantSchema = z
  .object({
    features: z.array(z.string()).min(1),
    mean: z.array(z.number()),
    scale: z.array(z.number().positive()),
    l2: z.number(),
    stalking: headSchema,
    s4a: headSchema,
  })
  .refine((v) => v.mean.length === v.features.length && v.scale.length === v.features.length && v.stalking.weights.length === v.features.length && v.s4a.weights.length === v.features.length, {
    message: 'features, mean, scale and weights must have the same length',
  });
export const hybridModelSchema = z.object({
  id: z.string().min(1),
  created_by: z.string(),
  fitted_on: z.string(),
  embedding_model: z.object({ id: z.string(), version: z.string(), checksum: z.string(), tag: z.string() }),
  catalogue: z.string(),
  semantic: z.object({
    common: z.array(z.number()).nullable(),
    thresholds: z.record(z.string(), z.number()),
    default_threshold: z.number(),
    max_codes_per_sentence: z.number().int().positive(),
  }),
  variants: z.object({ hybrid: variantSchema, embeddings: variantSchema }),
  /** Figures measured when training (out-of-fold on development data); informative only. */
  development: z.unknown().optional(),
});
export type HybridModel = z.infer<typeof hybridModelSchema>;
export type VariantModel = HybridModel['variants']['hybrid'];
export type Head = VariantModel['stalking'];

export function loadHybridModel(path = HYBRID_MODEL_PATH): HybridModel {
  const retrain = 'Train it with `node --import tsx scripts/train-hybrid.ts`, or run in rules mode.';
  if (!existsSync(path)) throw new Error(`hybrid scorer ${path} is missing. ${retrain}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`hybrid scorer ${path} is not valid JSON (${(err as Error).message}). ${retrain}`, { cause: err });
  }
  const parsed = hybridModelSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`hybrid scorer ${path} is broken: ${issue.path.join('.')}: ${issue.message}. ${retrain}`);
  }
  return parsed.data;
}

// ---- features ---------------------------------------------------------------------------------

/** Extra semantic features, beside the rule feature definitions applied to the semantic evidence. */
export const SEMANTIC_EXTRAS = ['count', 'codes', 'new_codes', 'max_margin', 'mean_similarity', 'discounted'] as const;
export type SemanticExtras = Record<(typeof SEMANTIC_EXTRAS)[number], number>;

export interface RecordEvidence {
  /** The rules alone (pipeline.analyse). */
  rules: FeatureVector;
  /** Rule and semantic evidence together (hybrid) or semantic evidence alone (embeddings). */
  evidence: FeatureVector;
  semantic: SemanticExtras;
  pooled: Float32Array;
}

/** Feature names of each variant, in the order the weights use. */
export function featureNames(variant: HybridVariant, dimensions: number): string[] {
  const emb = Array.from({ length: dimensions }, (_, i) => `emb.${i}`);
  const sem = SEMANTIC_EXTRAS.map((f) => `sem.${f}`);
  return variant === 'hybrid'
    ? [...FEATURES.map((f) => `rule.${f}`), ...FEATURES.map((f) => `all.${f}`), ...sem, ...emb]
    : [...FEATURES.map((f) => `semonly.${f}`), ...sem, ...emb];
}

/** Whether this code can compute a feature of that name for the variant. */
export function knownFeature(name: string, variant: HybridVariant, dimensions: number): boolean {
  const [group, key] = [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
  if (group === 'rule' || group === (variant === 'hybrid' ? 'all' : 'semonly')) return (FEATURES as readonly string[]).includes(key) && (group !== 'rule' || variant === 'hybrid');
  if (group === 'sem') return (SEMANTIC_EXTRAS as readonly string[]).includes(key);
  if (group === 'emb') return /^\d+$/.test(key) && Number(key) < dimensions;
  return false;
}

export function featureValues(names: readonly string[], variant: HybridVariant, e: RecordEvidence): number[] {
  return names.map((name) => {
    const dot = name.indexOf('.');
    const group = name.slice(0, dot);
    const key = name.slice(dot + 1);
    switch (group) {
      case 'rule':
        return e.rules[key as keyof FeatureVector];
      case 'all':
      case 'semonly':
        if ((group === 'all') !== (variant === 'hybrid')) throw new Error(`feature ${name} does not belong to the ${variant} variant`);
        return e.evidence[key as keyof FeatureVector];
      case 'sem':
        return e.semantic[key as keyof SemanticExtras];
      case 'emb':
        return e.pooled[Number(key)] ?? 0;
      default:
        throw new Error(`unknown feature ${name}`);
    }
  });
}

/** The calibrated probability of one head. */
export function headProbability(v: VariantModel, head: Head, x: number[]): number {
  let z = head.bias;
  for (let j = 0; j < x.length; j++) z += head.weights[j]! * ((x[j]! - v.mean[j]!) / v.scale[j]!);
  return 1 / (1 + Math.exp(-(head.platt.a * z + head.platt.b)));
}

// ---- evidence ---------------------------------------------------------------------------------

/** The normalised range of an original span (the inverse of toOriginal, for spans it produced). */
export function normalisedRange(n: NormalisedText, start: number, end: number): { start: number; end: number } {
  const len = n.origStart.length;
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (n.origEnd[mid]! <= start) lo = mid + 1;
    else hi = mid;
  }
  const s = Math.min(lo, Math.max(0, len - 1));
  let e = s;
  while (e < len && n.origStart[e]! < end) e++;
  return { start: s, end: Math.max(e, s + 1) };
}

/** Course of conduct, s4A, FOUR, risk and the rule feature definitions, over any set of indicators. */
export function assessEvidence(catalogue: Catalogue, codes: Map<string, SemanticCode>, doc: SemanticDoc, indicators: Indicator[]) {
  const ruleById = new Map(catalogue.rules.map((r) => [r.id, r]));
  const range = new Map<Indicator, { start: number; end: number }>();
  for (const ind of indicators) range.set(ind, normalisedRange(doc.n, ind.spans[0]!.start, ind.spans[0]!.end));
  const toSpan = (start: number, end: number) => toOriginal(doc.n, start, end);
  const counted = indicators
    .filter(isCountedBehaviour)
    .map((i) => ({ code: i.code, ...range.get(i)!, ...(i.rule_id ? { rule: i.rule_id } : {}) }));
  const { course, repeatedSentences, pursuitRepeated } = courseOfConduct(doc.n.text, doc.sentences, matchOwners(catalogue.conduct, doc.n.text), counted, toSpan, catalogue.kindsNotCounted);
  const fourOf = (i: Indicator) => (i.rule_id ? ruleById.get(i.rule_id)?.four : codes.get(i.code)?.four) ?? [];
  const severityOf = (i: Indicator) => (i.rule_id ? ruleById.get(i.rule_id)?.severity : codes.get(i.code)?.severity);
  const four = fourScores(indicators, fourOf, course.occasions_min);
  const s4a = assessS4a(indicators, doc.sentences, (i) => range.get(i)?.start ?? 0, course.occasions_min, repeatedSentences);
  const risk = assessRisk(indicators, severityOf);
  return { course, four, s4a, risk, features: features(indicators, course, s4a, risk, four.fixated, doc.n.text.length, pursuitRepeated) };
}

export function semanticExtras(semantic: Indicator[], ruleIndicators: Indicator[], threshold: (code: string) => number): SemanticExtras {
  const counted = semantic.filter(isCounted);
  const ruleCodes = new Set(ruleIndicators.filter(isCounted).map((i) => i.code));
  const codes = new Set(counted.map((i) => i.code));
  const margins = counted.map((i) => (i.similarity ?? 0) - threshold(i.code));
  return {
    count: Math.min(counted.length, 8) / 8,
    codes: Math.min(codes.size, 6),
    new_codes: Math.min([...codes].filter((c) => !ruleCodes.has(c)).length, 6),
    max_margin: margins.length ? Math.max(...margins) : 0,
    mean_similarity: counted.length ? counted.reduce((s, i) => s + (i.similarity ?? 0), 0) / counted.length : 0,
    discounted: semantic.length > 0 && counted.length === 0 ? 1 : 0,
  };
}

export interface HybridContext {
  catalogue: Catalogue;
  codes: Map<string, SemanticCode>;
  matcher: SemanticMatcher;
}

/**
 * The evidence of one record for a variant: semantic indicators (hybrid: only where no rule of the
 * same code covers the sentence), the assessment over the variant's indicators, and its features.
 * Training (scripts/train-hybrid.ts) and screening both call this, so they cannot drift apart.
 */
export async function hybridEvidence(ctx: HybridContext, variant: HybridVariant, doc: SemanticDoc, vectors: Float32Array[], rules: Analysis) {
  const ruleIndicators = variant === 'hybrid' ? rules.result.indicators : [];
  const semantic = await ctx.matcher.indicators(doc, await ctx.matcher.candidates(vectors), ruleIndicators);
  const indicators = [...ruleIndicators, ...semantic];
  const assessed = assessEvidence(ctx.catalogue, ctx.codes, doc, indicators);
  const evidence: RecordEvidence = {
    rules: rules.features,
    evidence: assessed.features,
    semantic: semanticExtras(semantic, ruleIndicators, (c) => ctx.matcher.threshold(c)),
    pooled: pool(vectors, ctx.matcher.dimensions),
  };
  return { indicators, semantic, assessed, evidence };
}

// ---- the screener -----------------------------------------------------------------------------

export interface HybridOptions {
  catalogueDir?: string;
  variant?: HybridVariant;
  /** Default models/hybrid-scorer.json. */
  modelPath?: string;
  /** Override the operating thresholds (default: from the model file). */
  thresholds?: { stalking: number; s4a: number };
  /** The rules scorer, used only for the rules-only analysis inside (default models/scorer-rules.json). */
  rulesScorer?: ScorerModel;
  /** An embedder other than the process-wide one (tests). */
  embedder?: EmbedderLike;
  /** Sentence and word vectors cached between records (default 20,000; 0 turns it off). */
  cacheSize?: number;
}

export interface HybridScreener extends Screener {
  readonly variant: HybridVariant;
  /** Screens many records, embedding all their sentences in one batch: faster than screen() in a loop. */
  screenMany(records: ScreeningRecord[]): Promise<ScreeningResult[]>;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

export async function createHybridScreener(options: HybridOptions = {}): Promise<HybridScreener> {
  const variant = options.variant ?? 'hybrid';
  const model = loadHybridModel(options.modelPath);
  const catalogue = loadCatalogue(options.catalogueDir);
  const rulesScorer = options.rulesScorer ?? loadScorer();
  let embedder: EmbedderLike;
  try {
    embedder = options.embedder ?? (await sharedEmbedder());
  } catch (err) {
    throw new Error(`hybrid mode needs the embedding model: ${(err as Error).message}`, { cause: err });
  }
  const tag = modelTag(embedder.info());
  if (tag !== model.embedding_model.tag) {
    throw new Error(
      `hybrid scorer ${options.modelPath ?? HYBRID_MODEL_PATH} was trained with embedding model ${model.embedding_model.tag}, ` +
        `but the model loaded is ${tag}. Retrain it (node --import tsx scripts/train-hybrid.ts) or select that model (EMBEDDING_MODEL).`,
    );
  }
  const matcher = await SemanticMatcher.load(embedder, catalogue, model.semantic, { cacheSize: options.cacheSize });
  const v = model.variants[variant];
  // The file's own feature list is used: a feature added to the code since training is simply unused
  // until the next training, but one the code can no longer compute is an error.
  const names = v.features;
  const unknown = names.filter((f) => !knownFeature(f, variant, matcher.dimensions));
  if (unknown.length) throw new Error(`hybrid scorer ${model.id}: features ${unknown.slice(0, 5).join(', ')} are unknown to this code; retrain it (node --import tsx scripts/train-hybrid.ts)`);
  const thresholds = options.thresholds ?? { stalking: v.stalking.threshold, s4a: v.s4a.threshold };
  const versions = { rules: catalogue.version, model: tag, scorer: variant === 'hybrid' ? model.id : `${model.id}:embeddings-only` };
  const codes = semanticCodes(catalogue);
  const normalise = normaliserFor(catalogue);
  const rulesThresholds = { stalking: rulesScorer.stalking.threshold, s4a: rulesScorer.s4a.threshold };

  const context: HybridContext = { catalogue, codes, matcher };

  const finish = async (record: ScreeningRecord, doc: SemanticDoc, vectors: Float32Array[]): Promise<ScreeningResult> => {
    const rules = analyse(record, catalogue, rulesScorer, rulesThresholds);
    const { indicators, semantic, assessed, evidence } = await hybridEvidence(context, variant, doc, vectors, rules);
    const x = featureValues(names, variant, evidence);
    const stalkingProbability = headProbability(v, v.stalking, x);
    // Scores as reported (four places), which the flags compare, like every screener's.
    const stalkingScore = round(stalkingProbability);
    const s4aScore = round(Math.min(headProbability(v, v.s4a, x), stalkingProbability));
    const stalking_flag = stalkingScore >= thresholds.stalking;
    const s4a_flag = s4aScore >= thresholds.s4a;
    const recordedAs = classify(catalogue.classifications, record.recorded_as ? normalise(record.recorded_as).text : undefined);
    const partial = { stalking_flag, s4a_flag, risk: assessed.risk, course_of_conduct: assessed.course, s4a: assessed.s4a, indicators };
    const flags = flagsFor(partial, recordedAs);
    const notes = notesFor(partial, recordedAs, record.relationship);
    const counted = semantic.filter(isCounted);
    if (counted.length) {
      notes.push(
        `Semantic matches (${[...new Set(counted.map((i) => i.code))].join(', ')}): found by similarity to exemplar phrases, not by a rule; check each against the text before relying on it.`,
      );
    }
    return {
      id: record.id,
      stalking_score: stalkingScore,
      stalking_flag,
      s4a_score: s4aScore,
      s4a_flag,
      risk_level: assessed.risk.level,
      flags,
      indicators,
      four: assessed.four,
      course_of_conduct: assessed.course,
      s4a: assessed.s4a,
      risk: assessed.risk,
      recorded_as_class: recordedAs.id,
      digital_leads: variant === 'hybrid' ? rules.result.digital_leads : [],
      notes,
      recommendation: recommendationFor(partial, recordedAs, flags),
      versions,
    };
  };

  // One embed() call for all the clauses of the batch. (Embedding the next chunk while scoring this
  // one was tried: slower, as the per-record anchor-word lookups then queue behind it in the worker.)
  const screenMany = async (records: ScreeningRecord[]): Promise<ScreeningResult[]> => {
    const docs = records.map((r) => prepareDoc(catalogue, r.text));
    const all = await matcher.embed(docs.flatMap((d) => d.units.map((u) => u.text)));
    const out: ScreeningResult[] = [];
    let k = 0;
    for (let i = 0; i < records.length; i++) {
      const vectors = all.slice(k, k + docs[i]!.units.length);
      k += docs[i]!.units.length;
      out.push(await finish(records[i]!, docs[i]!, vectors));
    }
    return out;
  };

  return {
    variant,
    thresholds,
    versions,
    screenMany,
    async screen(record) {
      return (await screenMany([record]))[0]!;
    },
    // The embedder is shared by the process (sharedEmbedder); its worker does not keep the process alive when idle.
    async close() {},
  };
}
