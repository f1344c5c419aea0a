// The screening pipeline, a library first: the CLI, API, queue and harness are thin layers on it.
//   normalise -> sentences -> match -> context -> course of conduct -> FOUR -> s4A -> risk -> score -> explain
import { loadCatalogue, type Catalogue } from '../rules/compile.ts';
import { assessRisk, assessS4a, fourScores } from './assess.ts';
import { applyContext, findCues } from './context.ts';
import { courseOfConduct } from './conduct.ts';
import { classify, flagsFor, notesFor, recommendationFor } from './explain.ts';
import { findMentions, matchCatalogue } from './match.ts';
import { normaliserFor, toOriginal } from './normalise.ts';
import { features, loadScorer, probability, type FeatureVector, type ScorerModel } from './score.ts';
import { splitSentences } from './sentences.ts';
import type { Indicator, ScreeningRecord, ScreeningResult } from './types.ts';

export interface ScreenerOptions {
  /** Folder of rule catalogue YAML files (default: src/rules/catalogue). Tests pass a fixture folder. */
  catalogueDir?: string;
  /** Override the operating thresholds (default: from the scorer model file). */
  thresholds?: { stalking: number; s4a: number };
  /**
   * 'rules' (default), 'hybrid' (rules + semantic indicators + trained scorer, needs the embedding
   * model and models/hybrid-scorer.json) or 'embeddings' (the ablation: semantic evidence and the
   * pooled embedding alone, no rules in the score).
   */
  mode?: 'rules' | 'hybrid' | 'embeddings';
  /** Scorer weights (default: models/scorer-rules.json, else the built-in defaults). */
  scorer?: ScorerModel;
  /** Rules mode only: screen on a worker thread (threaded.ts), as the server does. */
  thread?: boolean;
}

export interface Screener {
  screen(record: ScreeningRecord): Promise<ScreeningResult>;
  readonly thresholds: { stalking: number; s4a: number };
  readonly versions: ScreeningResult['versions'];
  close(): Promise<void>;
}

export interface Analysis {
  result: ScreeningResult;
  features: FeatureVector;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/** Screens one record with the rules alone, synchronously. Pure: the same input gives the same output. */
export function analyse(record: ScreeningRecord, catalogue: Catalogue, scorer: ScorerModel, thresholds: { stalking: number; s4a: number }): Analysis {
  const normalise = normaliserFor(catalogue);
  const n = normalise(record.text);
  const toSpan = (start: number, end: number) => toOriginal(n, start, end);
  const sentences = splitSentences(n.text);
  const hits = matchCatalogue(catalogue, n.text);
  const mentions = findMentions(hits.rules);
  const contexts = applyContext(n.text, sentences, mentions, findCues(hits.cues), toSpan);

  const indicators: Indicator[] = [];
  const startOf = new Map<Indicator, number>();
  mentions.forEach((m, k) => {
    const r = m.rule;
    const ind: Indicator = {
      code: r.code,
      category: r.category,
      label: r.label,
      spans: [toSpan(m.start, m.end)],
      source: 'rule',
      rule_id: r.id,
      weight: r.weight,
      reason: r.reason ?? r.label,
      ...(r.s2a ? { s2a: r.s2a } : {}),
      ...(r.limb ? { limb: r.limb } : {}),
      context: contexts[k]!,
    };
    indicators.push(ind);
    startOf.set(ind, m.start);
  });
  const ruleOf = new Map(mentions.map((m, k) => [indicators[k]!, m.rule]));

  const countedBehaviours = mentions
    .map((m, k) => ({ m, ind: indicators[k]! }))
    .filter(({ ind }) => ind.category === 'behaviour' && ind.code !== 'G1' && ind.context && !ind.context.negated && !ind.context.hypothetical && !ind.context.other_experiencer && !ind.context.counter_allegation)
    .map(({ m, ind }) => ({ code: ind.code, start: m.start, end: m.end }));
  // repeatedSentences: where a statement carries its own repetition ("terrified every time he turns up").
  const { course: conduct, repeatedSentences } = courseOfConduct(n.text, sentences, hits.conduct, countedBehaviours, toSpan);
  const four = fourScores(indicators, (i) => ruleOf.get(i)?.four ?? [], conduct.occasions_min);
  const s4a = assessS4a(indicators, sentences, (i) => startOf.get(i) ?? 0, conduct.occasions_min, repeatedSentences);
  const risk = assessRisk(indicators, (i) => ruleOf.get(i)?.severity);

  const x = features(indicators, conduct, s4a, risk, four.fixated);
  const stalkingScore = probability(scorer.stalking, x);
  // s4A is stalking plus impact: its probability cannot exceed that of stalking.
  const s4aScore = Math.min(probability(scorer.s4a, x), stalkingScore);
  const stalking_flag = stalkingScore >= thresholds.stalking;
  const s4a_flag = s4aScore >= thresholds.s4a;

  const recordedAs = classify(catalogue.classifications, record.recorded_as ? normalise(record.recorded_as).text : undefined);
  const partial = { stalking_flag, s4a_flag, risk, course_of_conduct: conduct, s4a, indicators };
  const flags = flagsFor(partial, recordedAs);
  const digital_leads = indicators
    .filter((i) => i.category === 'digital' && !i.context?.negated)
    .map((i) => ({ code: i.code, label: i.label, span: i.spans[0]! }));

  const result: ScreeningResult = {
    id: record.id,
    stalking_score: round(stalkingScore),
    stalking_flag,
    s4a_score: round(s4aScore),
    s4a_flag,
    risk_level: risk.level,
    flags,
    indicators,
    four,
    course_of_conduct: conduct,
    s4a,
    risk,
    recorded_as_class: recordedAs.id,
    digital_leads,
    notes: notesFor(partial, recordedAs, record.relationship),
    recommendation: recommendationFor(partial, recordedAs, flags),
    versions: { rules: catalogue.version, model: 'none', scorer: scorer.id },
  };
  return { result, features: x };
}

export async function createScreener(options: ScreenerOptions = {}): Promise<Screener> {
  if (options.mode === 'hybrid' || options.mode === 'embeddings') {
    // Loaded only when asked for: rules mode never starts the embedding worker. Fails with a clear
    // message when the embedding model or models/hybrid-scorer.json is missing or broken.
    const { createHybridScreener } = await import('./hybrid.ts');
    return createHybridScreener({ variant: options.mode, catalogueDir: options.catalogueDir, thresholds: options.thresholds, rulesScorer: options.scorer });
  }
  const scorer = options.scorer ?? loadScorer();
  const thresholds = options.thresholds ?? { stalking: scorer.stalking.threshold, s4a: scorer.s4a.threshold };
  if (options.thread) {
    const { createThreadedScreener } = await import('./threaded.ts');
    return createThreadedScreener({ catalogueDir: options.catalogueDir, scorer, thresholds });
  }
  const catalogue = loadCatalogue(options.catalogueDir);
  return {
    thresholds,
    versions: { rules: catalogue.version, model: 'none', scorer: scorer.id },
    async screen(record) {
      return analyse(record, catalogue, scorer, thresholds).result;
    },
    async close() {},
  };
}
