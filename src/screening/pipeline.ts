// The rules stage of the screening pipeline, a library first: the CLI, API, queue and harness are
// thin layers on it, and factory.ts builds every screener from the stages.
//   normalise -> sentences -> match -> context -> course of conduct -> FOUR -> s4A -> risk -> score -> explain
// The text model (text-model.ts) and the combining scorer (combine.ts) follow it in the default screener.
import type { Catalogue } from '../rules/compile.ts';
import { assessRisk, assessS4a, fourScores, isCountedBehaviour } from './assess.ts';
import { applyContext, findCues } from './context.ts';
import { courseOfConduct } from './conduct.ts';
import { classify, flagsFor, notesFor, recommendationFor, type RecordedAs } from './explain.ts';
import { findMentions, matchCatalogue } from './match.ts';
import { normaliserFor, toOriginal } from './normalise.ts';
import { features, probability, type FeatureVector, type ScorerModel } from './score.ts';
import { splitSentences } from './sentences.ts';
import type { Indicator, Screener, ScreeningRecord, ScreeningResult, Thresholds } from './types.ts';

export interface Analysis {
  result: ScreeningResult;
  features: FeatureVector;
  /** What the record is recorded as, classified: later stages recompute flags against it. */
  recordedAs: RecordedAs;
  /** Stalking alleged as going on (conduct.ts): the default screener queues the record whatever its score. */
  allegedOngoing: boolean;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/** Screens one record with the rules alone, synchronously. Pure: the same input gives the same output. */
export function analyse(record: ScreeningRecord, catalogue: Catalogue, scorer: ScorerModel, thresholds: Thresholds): Analysis {
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
    .filter(({ ind }) => isCountedBehaviour(ind))
    .map(({ m, ind }) => ({ code: ind.code, start: m.start, end: m.end, rule: m.rule.id }));
  // repeatedSentences: where a statement carries its own repetition ("terrified every time he turns up").
  const { course: conduct, repeatedSentences, pursuitRepeated, allegedOngoing } = courseOfConduct(n.text, sentences, hits.conduct, countedBehaviours, toSpan, catalogue.kindsNotCounted);
  const four = fourScores(indicators, (i) => ruleOf.get(i)?.four ?? [], conduct.occasions_min);
  const s4a = assessS4a(indicators, sentences, (i) => startOf.get(i) ?? 0, conduct.occasions_min, repeatedSentences);
  const risk = assessRisk(indicators, (i) => ruleOf.get(i)?.severity);

  const x = features(indicators, conduct, s4a, risk, four.fixated, n.text.length, pursuitRepeated);
  const stalkingProbability = probability(scorer.stalking, x);
  // Scores as reported (four places), which the flags compare: never a score at the threshold without its flag.
  const stalkingScore = round(stalkingProbability);
  // s4A is stalking plus impact: its probability cannot exceed that of stalking.
  const s4aScore = round(Math.min(probability(scorer.s4a, x), stalkingProbability));
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
    stalking_score: stalkingScore,
    stalking_flag,
    s4a_score: s4aScore,
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
  return { result, features: x, recordedAs, allegedOngoing };
}

/** The rules alone, in this thread. */
export function createRulesScreener(catalogue: Catalogue, scorer: ScorerModel, thresholds: Thresholds): Screener {
  return {
    thresholds,
    versions: { rules: catalogue.version, model: 'none', scorer: scorer.id },
    async screen(record) {
      return analyse(record, catalogue, scorer, thresholds).result;
    },
    async close() {},
  };
}
