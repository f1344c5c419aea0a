// The combining scorer of the default screener: the rules' evidence and the text model's reading,
// weighed by a small logistic model fitted on development data only (scripts/fit-combined.ts,
// models/combined-scorer.json). Its thresholds are recall-first: the flag threshold was chosen on
// development data for stalking recall of at least 0.95, and a higher priority band orders the queue.
//
// Every flag is explained: the rule indicators keep their spans, and the clauses the text model
// read as raising the score become indicators with source "model" and their contribution.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { flagsFor, notesFor, recommendationFor } from './explain.ts';
import { STALKING_ALLEGATION } from './conduct.ts';
import { counts } from './context.ts';
import type { Analysis } from './pipeline.ts';
import type { ClauseContribution, TextScore } from './text-model.ts';
import type { Indicator, ScreeningRecord, ScreeningResult, Thresholds } from './types.ts';

export const COMBINED_SCORER_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'combined-scorer.json');

/** Every input the combining scorer can use; a model file names the ones it was fitted with. */
export const COMBINED_FEATURES = [
  'rules_stalking',
  'rules_s4a',
  'rules_risk', // the rules' risk level: 2 high, 1 medium, 0 standard
  'rules_course', // RULES_COURSE_MEANING
  'text_stalking',
  'text_s4a',
  'text_high_risk',
  'ngram_stalking',
  'ngram_s4a',
  'ngram_high_risk',
] as const;
export type CombinedFeature = (typeof COMBINED_FEATURES)[number];
/** What rules_course means; part of a fitted model's id, so a model fitted to another meaning shows it. */
export const RULES_COURSE_MEANING = '1 when the rules count two or more occasions or a stalking allegation (combinedFeatures), else 0';
export type CombinedFeatures = Partial<Record<CombinedFeature, number>>;

const headSchema = z.object({
  bias: z.number(),
  weights: z.array(z.number()),
  /**
   * The rules' own say: the head's log-odds are (1 - rules_share) x the fitted combination +
   * rules_share x the rules' log-odds for the same task. The fit is made on written text, which the
   * text models read almost perfectly, so on its own it lets the text model overrule the rules;
   * a share makes explicit rule evidence harder to outvote on text unlike what the model saw.
   */
  rules_share: z.number().min(0).max(1).default(0),
  /**
   * The rules' say where they find a course of conduct (two or more occasions counted, or stalking
   * alleged: rules_course), if it differs from rules_share. Counting occasions is what the text
   * models do worst on writing unlike theirs (they read one frightening outing as stalking and a terse
   * "always following me" as nothing), and what the rules' conduct expressions do; and the text
   * models never read the word "stalking". Where the rules have counted, they may be given more say.
   */
  rules_share_with_course: z.number().min(0).max(1).optional(),
});
const thresholdsSchema = z.object({ stalking: z.number().min(0).max(1), s4a: z.number().min(0).max(1), priority: z.number().min(0).max(1), high_risk: z.number().min(0).max(1) });
export const combinedModelSchema = z
  .object({
  id: z.string().min(1),
  fitted_on: z.array(z.string()),
  /** The inputs, in the order of each head's weights. */
  features: z.array(z.enum(COMBINED_FEATURES)).min(1),
  /** The text models the inputs come from, by id and version (a combining scorer fits only those). */
  text_models: z.object({ transformer: z.object({ id: z.string(), version: z.string() }).optional(), ngram: z.object({ id: z.string(), version: z.string() }).optional() }),
  stalking: headSchema,
  s4a: headSchema,
  /** High risk (DOMAIN 4.3) over its own inputs: a record is graded high when the rules say so or this head does. */
  high_risk: headSchema.extend({ features: z.array(z.enum(COMBINED_FEATURES)).min(1), rules_share: z.literal(0).default(0) }),
  thresholds: thresholdsSchema,
  /** Operating thresholds of the text models read alone (the ablation's transformer and n-gram rows). */
  text_only: z.record(z.string(), z.object({ stalking: z.number(), s4a: z.number() })),
  development: z.unknown().optional(),
})
  .refine((m) => m.stalking.weights.length === m.features.length && m.s4a.weights.length === m.features.length && m.high_risk.weights.length === m.high_risk.features.length, {
    message: 'each head needs one weight per feature',
  });
export type CombinedModel = z.infer<typeof combinedModelSchema>;

export function loadCombinedModel(path = COMBINED_SCORER_PATH): CombinedModel {
  if (!existsSync(path)) throw new Error(`combined scorer ${path} is missing. Fit it with \`node --import tsx scripts/fit-combined.ts\`.`);
  const parsed = combinedModelSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`combined scorer ${path} is broken: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

const clampLogit = (p: number) => {
  const q = Math.min(Math.max(p, 1e-4), 1 - 1e-4);
  return Math.log(q / (1 - q));
};
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const round = (x: number) => Math.round(x * 10000) / 10000;

/** The text models' readings of one record: the transformer's, the n-gram model's, or both. */
export interface TextReadings {
  transformer?: TextScore;
  ngram?: TextScore;
}

const clip = (z: number) => Math.max(-12, Math.min(12, z));

/**
 * A stalking allegation the rules count (not negated, hypothetical, someone else's or the suspect's):
 * stalking is a course of conduct by definition (DOMAIN 1.2), and the text models never read the
 * word (text-tokens.ts LEFT_TO_RULES), so where it is the evidence they cannot weigh it.
 */
const allegesStalking = (i: ScreeningResult['indicators'][number]) => i.rule_id === STALKING_ALLEGATION && !!i.context && counts(i.context);
/** Whether an ongoing stalking allegation puts the record in the queue: counted, certain, and not told by the suspect about the victim. */
const queuesAllegation = (rules: ScreeningResult) =>
  rules.indicators.some((i) => allegesStalking(i) && !i.context!.uncertain) && !rules.indicators.some((i) => i.code === 'G1' && !!i.context && counts(i.context));

export function combinedFeatures(rules: ScreeningResult, text: TextReadings): CombinedFeatures {
  return {
    rules_stalking: clampLogit(rules.stalking_score),
    rules_s4a: clampLogit(rules.s4a_score),
    rules_risk: rules.risk_level === 'high' ? 2 : rules.risk_level === 'medium' ? 1 : 0,
    rules_course: rules.course_of_conduct.occasions_min >= 2 || rules.indicators.some(allegesStalking) ? 1 : 0,
    ...(text.transformer
      ? { text_stalking: clip(text.transformer.logits.stalking), text_s4a: clip(text.transformer.logits.s4a), text_high_risk: clip(text.transformer.logits.high_risk) }
      : {}),
    ...(text.ngram ? { ngram_stalking: clip(text.ngram.logits.stalking), ngram_s4a: clip(text.ngram.logits.s4a), ngram_high_risk: clip(text.ngram.logits.high_risk) } : {}),
  };
}

/** The rules' log-odds a head shares its say with (combine.ts headSchema.rules_share). */
const RULES_INPUT = { stalking: 'rules_stalking', s4a: 'rules_s4a' } as const;

/** The rules' share of a head's say for this record: more where they find a course of conduct, if the head says so. */
export function rulesShare(head: Pick<CombinedModel['stalking'], 'rules_share' | 'rules_share_with_course'>, x: CombinedFeatures): number {
  return head.rules_share_with_course !== undefined && x.rules_course === 1 ? head.rules_share_with_course : head.rules_share;
}

/** A head's log-odds with `share` of the say given to the rules' own log-odds (scripts/fit-combined.ts uses it too). */
export function withRulesShare(fitted: number, rulesLogit: number, share: number): number {
  return share === 0 ? fitted : (1 - share) * fitted + share * rulesLogit;
}

export function headLogit(head: CombinedModel['stalking'], features: readonly CombinedFeature[], x: CombinedFeatures, task?: keyof typeof RULES_INPUT): number {
  const fitted = features.reduce((z, f, i) => {
    const v = x[f];
    if (v === undefined) throw new Error(`the combining scorer needs ${f}, which no loaded model gave`);
    return z + head.weights[i]! * v;
  }, head.bias);
  const share = task ? rulesShare(head, x) : 0;
  if (share === 0) return fitted;
  return withRulesShare(fitted, x[RULES_INPUT[task!]]!, share);
}

/**
 * The record's clauses by what they added to a head's logit through the text models: each model's
 * clause contributions times that model's weight in the head, summed per clause.
 */
export function weightedClauses(model: CombinedModel, head: 'stalking' | 's4a' | 'high_risk', text: TextReadings, x: CombinedFeatures = {}): ClauseContribution[] {
  const byStart = new Map<number, ClauseContribution>();
  const features = head === 'high_risk' ? model.high_risk.features : model.features;
  const add = (clauses: readonly ClauseContribution[] | undefined, feature: CombinedFeature) => {
    const i = features.indexOf(feature);
    if (!clauses || i < 0) return;
    const w = model[head].weights[i]! * (1 - (head === 'high_risk' ? 0 : rulesShare(model[head], x)));
    for (const c of clauses) {
      const seen = byStart.get(c.span.start);
      byStart.set(c.span.start, { span: c.span, contribution: (seen?.contribution ?? 0) + w * c.contribution });
    }
  };
  add(text.transformer?.clauses[head], `text_${head}`);
  add(text.ngram?.clauses[head], `ngram_${head}`);
  return [...byStart.values()].sort((a, b) => b.contribution - a.contribution || a.span.start - b.span.start);
}

/** Clauses that raised the score (contributions already weighted), as indicators: at most `max`, each adding at least `min` to the log-odds. */
export function modelEvidence(
  clauses: readonly ClauseContribution[],
  code: 'MODEL_STALKING' | 'MODEL_S4A' | 'MODEL_HIGH_RISK',
  options: { max?: number; min?: number; atLeastOne?: boolean } = {},
): Indicator[] {
  const { max = 3, min = 0.25, atLeastOne = false } = options;
  const picked = clauses.filter((c) => c.contribution >= min).slice(0, max);
  if (picked.length === 0 && atLeastOne && clauses.length && clauses[0]!.contribution > 0) picked.push(clauses[0]!);
  const what = code === 'MODEL_STALKING' ? 'stalking' : code === 'MODEL_S4A' ? 's4A' : 'high risk';
  return picked.map((c) => ({
    code,
    category: 'model',
    label: `Text model: read as ${what}`,
    spans: [c.span],
    source: 'model',
    weight: round(c.contribution),
    contribution: round(c.contribution),
    reason: `the text model read this clause as ${what} (it added ${round(c.contribution).toFixed(2)} to the ${what} score's log-odds)`,
  }));
}

/**
 * The default screener's result: the rules' analysis, rescored with the text model, flags and the
 * recommendation recomputed at the combined thresholds. `scoreWith: 'text'` is the ablation's
 * model-alone row: the text model's own calibrated probability, with only its own evidence.
 */
export function combine(
  record: ScreeningRecord,
  analysis: Analysis,
  text: TextReadings,
  model: CombinedModel,
  thresholds: Thresholds,
  options: { scoreWith?: 'combined' | 'text'; versions: ScreeningResult['versions'] },
): ScreeningResult {
  const rules = analysis.result;
  const x = combinedFeatures(rules, text);
  let stalkingScore: number;
  let s4aScore: number;
  let clauses: { stalking: ClauseContribution[]; s4a: ClauseContribution[] };
  if (options.scoreWith === 'text') {
    const alone = (text.transformer ?? text.ngram)!;
    stalkingScore = alone.stalking;
    s4aScore = Math.min(alone.s4a, stalkingScore);
    clauses = { stalking: alone.clauses.stalking, s4a: alone.clauses.s4a };
  } else {
    stalkingScore = sigmoid(headLogit(model.stalking, model.features, x, 'stalking'));
    // Stalking alleged as going on ("she is being stalked by a man from work") is queued for a person to
    // read, whatever the evidence around it: the allegation itself asks for a stalking screening (SST),
    // and a bare allegation is how many control-room logs read. Its P1 span explains the flag.
    // Not where the allegation is uncertain ("she is not sure if she is being stalked") or the record is
    // the suspect's counter-allegation (G1). The floor is rounded up so a threshold of more places still flags.
    if (analysis.allegedOngoing && queuesAllegation(rules)) stalkingScore = Math.max(stalkingScore, Math.ceil(thresholds.stalking * 10000) / 10000);
    // s4A is stalking plus impact: its probability cannot exceed that of stalking.
    s4aScore = Math.min(sigmoid(headLogit(model.s4a, model.features, x, 's4a')), stalkingScore);
    clauses = { stalking: weightedClauses(model, 'stalking', text, x), s4a: weightedClauses(model, 's4a', text, x) };
  }
  // Flags compare the scores as reported (four places), so a reader never sees a score at the
  // threshold without its flag.
  stalkingScore = round(stalkingScore);
  s4aScore = round(s4aScore);
  const stalking_flag = stalkingScore >= thresholds.stalking;
  const s4a_flag = s4aScore >= thresholds.s4a;
  const ruleIndicators = options.scoreWith === 'text' ? [] : rules.indicators;

  // High risk: the rules' markers, or the high-risk head (recall-first threshold), whichever says so.
  let risk = rules.risk;
  let riskScore: number | undefined;
  let riskEvidence: Indicator[] = [];
  if (options.scoreWith !== 'text') {
    riskScore = round(sigmoid(headLogit(model.high_risk, model.high_risk.features, x))); // compared as reported, like the flags
    if (riskScore >= (thresholds.high_risk ?? model.thresholds.high_risk) && rules.risk.level !== 'high') {
      riskEvidence = modelEvidence(weightedClauses(model, 'high_risk', text), 'MODEL_HIGH_RISK', { max: 2, atLeastOne: true });
      const span = riskEvidence[0]?.spans[0];
      risk = { level: 'high', markers: [...rules.risk.markers, ...(span ? [{ code: 'MODEL_HIGH_RISK', label: 'Text model: reads as high risk', span }] : [])] };
    }
  }
  // A flag without a span would be a bug: a flagged record always shows the model's strongest clause.
  const evidence = [
    ...modelEvidence(clauses.stalking, 'MODEL_STALKING', { atLeastOne: stalking_flag }),
    ...(stalking_flag ? modelEvidence(clauses.s4a, 'MODEL_S4A', { max: 2, atLeastOne: s4a_flag }) : []),
    ...riskEvidence,
  ];
  const indicators = [...ruleIndicators, ...evidence];
  const partial = { stalking_flag, s4a_flag, risk, course_of_conduct: rules.course_of_conduct, s4a: rules.s4a, indicators };
  const flags = flagsFor(partial, analysis.recordedAs);
  return {
    ...rules,
    stalking_score: stalkingScore,
    stalking_flag,
    stalking_priority: thresholds.priority !== undefined && stalkingScore >= thresholds.priority,
    s4a_score: s4aScore,
    s4a_flag,
    risk_level: risk.level,
    risk,
    ...(riskScore !== undefined ? { high_risk_score: riskScore } : {}),
    flags,
    indicators,
    notes: notesFor(partial, analysis.recordedAs, record.relationship),
    recommendation: recommendationFor(partial, analysis.recordedAs, flags, evidence.some((e) => e.code === 'MODEL_STALKING')),
    versions: options.versions,
  };
}
