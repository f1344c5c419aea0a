// Rules-only scorer: a logistic model over a handful of interpretable features drawn from the
// indicators. Its weights live in models/scorer-rules.json, fitted on the development data by
// scripts/fit-scorer.ts (never on the gold test split); the defaults below are the hand-set
// starting point used only when that file is absent.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CourseOfConduct, Indicator, RiskAssessment, S4aAssessment, Thresholds } from './types.ts';
import { isCounted } from './assess.ts';
import { PURSUIT_CODE } from './conduct.ts';

export const FEATURES = [
  'behaviour_weight', // log1p of the summed weights of distinct counted behaviour codes
  'behaviour_codes', // distinct counted behaviour codes
  'course_of_conduct', // 1 when two or more occasions are supported
  'occasions', // min(occasions_min, 6) / 6
  'ought_to_know', // told to stop, blocked, warned, order in force
  'order_breach',
  'separation', // ex-partner or separation cue
  'fixated', // FOUR fixated component
  'fear_occasions', // min(limb i occasions, 3)
  'effects', // limb ii substantial effects, capped at 3
  'distress', // any limb ii indicator including plain distress
  'high_risk', // high-severity risk markers, capped at 3
  'discounted_only', // behaviour mentioned but every mention negated, hypothetical or aimed elsewhere
  'dispute', // a genuine dispute is described (context only: stalkers weaponise disputes)
  'ex_partner_course', // former partner AND a course of conduct: recorded as stalking by default (Home Office rule, DOMAIN §1.7)
  'pursuit_course', // a course of conduct AND a pursuit behaviour (contact, presence, monitoring, gifts, third parties, a breach, an allegation)
  'pursuit_repeated', // the text states that a pursuit behaviour recurred (conduct.ts): a count, frequency, duration, "again" or two dates beside it
  'log_length', // log(characters / 500): the same evidence means less in a long text, where more words match by chance
] as const;
export type FeatureName = (typeof FEATURES)[number];
export type FeatureVector = Record<FeatureName, number>;

export interface LogisticModel {
  bias: number;
  weights: Partial<Record<FeatureName, number>>;
  threshold: number;
}
export interface ScorerModel {
  id: string;
  fitted_on?: string;
  stalking: LogisticModel;
  s4a: LogisticModel;
}

export const DEFAULT_SCORER: ScorerModel = {
  id: 'rules-default-v1',
  stalking: {
    bias: -4.2,
    weights: { behaviour_weight: 1.4, behaviour_codes: 0.35, course_of_conduct: 2.0, occasions: 0.8, ought_to_know: 0.7, order_breach: 0.8, separation: 0.3, fixated: 0.6, effects: 0.2, discounted_only: -1.0 },
    threshold: 0.5,
  },
  s4a: {
    bias: -5.5,
    weights: { course_of_conduct: 2.0, behaviour_weight: 0.6, fear_occasions: 1.2, effects: 1.3, distress: 0.4, high_risk: 0.5 },
    threshold: 0.5,
  },
};

export const SCORER_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'scorer-rules.json');

/** The rules scorer's own operating thresholds, with any overrides laid over them. */
export function rulesThresholds(scorer: ScorerModel, overrides: Partial<Thresholds> = {}): Thresholds {
  return { stalking: scorer.stalking.threshold, s4a: scorer.s4a.threshold, ...overrides };
}

export function loadScorer(path = SCORER_PATH): ScorerModel {
  if (!existsSync(path)) return DEFAULT_SCORER;
  return JSON.parse(readFileSync(path, 'utf8')) as ScorerModel;
}

export function features(
  indicators: Indicator[],
  conduct: CourseOfConduct,
  s4a: S4aAssessment,
  risk: RiskAssessment,
  fixated: number,
  chars: number,
  pursuitRepeated: boolean,
): FeatureVector {
  const counted = indicators.filter(isCounted);
  const behaviours = counted.filter((i) => i.category === 'behaviour' && i.code !== 'G1');
  const byCode = new Map<string, number>();
  for (const b of behaviours) byCode.set(b.code, Math.max(byCode.get(b.code) ?? 0, b.weight * (b.context?.uncertain ? 0.6 : 1)));
  const anyBehaviour = indicators.some((i) => i.category === 'behaviour');
  const has = (pred: (i: Indicator) => boolean) => (counted.some(pred) ? 1 : 0);
  return {
    behaviour_weight: Math.log1p([...byCode.values()].reduce((a, b) => a + b, 0)),
    behaviour_codes: Math.min(byCode.size, 6),
    course_of_conduct: conduct.occasions_min >= 2 ? 1 : 0,
    occasions: Math.min(conduct.occasions_min, 6) / 6,
    ought_to_know: has((i) => i.category === 'ought_to_know'),
    order_breach: has((i) => (i.category === 'order' && /BREACH/.test(i.code)) || i.code === 'L1'),
    separation: has((i) => i.category === 'relationship' && /SEPARATION|EX/.test(i.code)),
    fixated,
    fear_occasions: Math.min(s4a.limb_i.occasions, 3),
    effects: Math.min(counted.filter((i) => i.category === 'impact' && i.limb === 'ii' && i.weight >= 1).length, 3),
    distress: has((i) => i.category === 'impact'),
    high_risk: Math.min(risk.markers.length && risk.level === 'high' ? risk.markers.length : 0, 3),
    discounted_only: anyBehaviour && byCode.size === 0 ? 1 : 0,
    dispute: has((i) => i.category === 'dispute'),
    ex_partner_course: conduct.occasions_min >= 2 && has((i) => i.category === 'relationship' && /SEPARATION|EX/.test(i.code)) ? 1 : 0,
    // Repetition that attaches to violence or abuse within a household is common in family-abuse and
    // dispute accounts; repetition of pursuit (following, turning up, contact...) is what stalking is.
    pursuit_course: conduct.occasions_min >= 2 && behaviours.some((b) => PURSUIT_CODE.test(b.code)) ? 1 : 0,
    pursuit_repeated: pursuitRepeated ? 1 : 0,
    // A long account (a forum post about a custody case, a history of family abuse) meets many
    // behaviour words by chance; fitted on training data, its weight discounts evidence by length.
    log_length: Math.log(Math.max(chars, 50) / 500),
  };
}

export function probability(model: LogisticModel, x: FeatureVector): number {
  let z = model.bias;
  for (const name of FEATURES) z += (model.weights[name] ?? 0) * x[name];
  return 1 / (1 + Math.exp(-z));
}
