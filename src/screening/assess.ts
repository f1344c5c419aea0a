// From indicators to the legal and risk questions a reviewer asks: FOUR, the s4A limbs, risk level.
import type { EvidenceItem, FourScores, Indicator, RiskAssessment, S4aAssessment, Span } from './types.ts';
import { counts } from './context.ts';
import { rangeIndexAt, type Range } from './sentences.ts';

export const isCounted = (i: Indicator) => !i.context || counts(i.context);
/** A behaviour mention that counts towards a course of conduct: a DOMAIN §2 behaviour (not G1) whose context counts. */
export const isCountedBehaviour = (i: Indicator) => i.category === 'behaviour' && i.code !== 'G1' && !!i.context && counts(i.context);
const soften = (i: Indicator) => (i.context?.uncertain ? 0.6 : 1) * i.weight;

/** FOUR components: 1 - exp(-sum of weights) over the counted indicators tagged with each. */
export function fourScores(indicators: Indicator[], fourOf: (i: Indicator) => string[], repeatedEvidence: number): FourScores {
  const sums = { fixated: 0, obsessive: 0, unwanted: 0, repeated: 0 };
  const codes = { fixated: new Set<string>(), obsessive: new Set<string>(), unwanted: new Set<string>(), repeated: new Set<string>() };
  for (const ind of indicators.filter(isCounted)) {
    for (const c of fourOf(ind)) {
      const k = c as keyof typeof sums;
      if (!(k in sums)) continue;
      sums[k] += soften(ind);
      codes[k].add(ind.code);
    }
  }
  // Repetition is also shown by the course of conduct itself (occasions beyond the first).
  sums.repeated += Math.max(0, repeatedEvidence - 1) * 0.7;
  const score = (x: number) => Math.round((1 - Math.exp(-x * 0.8)) * 1000) / 1000;
  return {
    fixated: score(sums.fixated),
    obsessive: score(sums.obsessive),
    unwanted: score(sums.unwanted),
    repeated: score(sums.repeated),
    codes: {
      fixated: [...codes.fixated].sort(),
      obsessive: [...codes.obsessive].sort(),
      unwanted: [...codes.unwanted].sort(),
      repeated: [...codes.repeated].sort(),
    },
  };
}

const evidenceOf = (i: Indicator, reason?: string): EvidenceItem => ({ reason: reason ?? i.reason, span: i.spans[0]! });

/**
 * s4A (DOMAIN §1.3, §1.5, §3). Limb (i) counts OCCASIONS of fear, not threats: separate sentences
 * expressing fear, or one fear statement with a frequency ("every time he turns up").
 * Limb (ii) needs a substantial adverse effect on day-to-day life; distress alone is not enough.
 */
export function assessS4a(
  indicators: Indicator[],
  sentences: Range[],
  normalisedStart: (i: Indicator) => number,
  occasionsMin: number,
  repeatedFearSentences: Set<number>,
): S4aAssessment {
  const counted = indicators.filter(isCounted);
  const fear = counted.filter((i) => i.category === 'impact' && i.limb === 'i');
  const fearSentences = new Set(fear.map((i) => rangeIndexAt(sentences, normalisedStart(i))));
  let fearOccasions = fearSentences.size;
  if (fear.some((i) => repeatedFearSentences.has(rangeIndexAt(sentences, normalisedStart(i))))) fearOccasions = Math.max(fearOccasions, 2);
  const effects = counted.filter((i) => i.category === 'impact' && i.limb === 'ii');
  const substantial = effects.filter((i) => i.weight >= 1);
  const limbIMet = occasionsMin >= 2 && fearOccasions >= 2;
  const limbIIMet = occasionsMin >= 2 && substantial.length >= 1;
  const ought = counted.filter((i) => i.category === 'ought_to_know' || i.category === 'order').map((i) => evidenceOf(i));
  let proposed: string | null = null;
  if (occasionsMin >= 2) {
    proposed = limbIMet && limbIIMet ? 's4A(i)+(ii)' : limbIMet ? 's4A(i)' : limbIIMet ? 's4A(ii)' : 's2A';
  }
  return {
    limb_i: { occasions: fearOccasions, met: limbIMet, evidence: fear.map((i) => evidenceOf(i)) },
    limb_ii: { met: limbIIMet, evidence: effects.map((i) => evidenceOf(i)) },
    ought_to_know: ought,
    proposed,
  };
}

/**
 * Behaviour codes that are themselves risk markers (DOMAIN §4.3: threats, violence, trackers,
 * break-ins are STAC markers; breaches and turning up at home signal escalation).
 */
const BEHAVIOUR_SEVERITY: Record<string, 'high' | 'medium'> = {
  J1: 'high', K1: 'high', D1: 'high', I2: 'high',
  D2: 'medium', D3: 'medium', N1: 'medium', H3: 'medium', J2: 'medium', C2: 'medium', L1: 'medium', M1: 'medium', H1: 'medium',
};

export function assessRisk(indicators: Indicator[], severityOf: (i: Indicator) => 'high' | 'medium' | undefined): RiskAssessment {
  const markers: RiskAssessment['markers'] = [];
  const seen = new Set<string>();
  let high = 0;
  let medium = 0;
  for (const ind of indicators) {
    // A risk marker counts even when historical (a history of violence is the marker).
    if (ind.context && (ind.context.negated || ind.context.hypothetical || ind.context.counter_allegation)) continue;
    if (ind.context?.other_experiencer && ind.category !== 'risk') continue;
    const severity = ind.category === 'risk' ? (severityOf(ind) ?? 'medium') : ind.category === 'behaviour' ? BEHAVIOUR_SEVERITY[ind.code] : undefined;
    if (!severity || seen.has(ind.code)) continue;
    seen.add(ind.code);
    if (severity === 'high') high++;
    else medium++;
    markers.push({ code: ind.code, label: ind.label, span: ind.spans[0] as Span });
  }
  const level = high > 0 || medium >= 3 ? 'high' : medium > 0 ? 'medium' : 'standard';
  return { level, markers };
}
