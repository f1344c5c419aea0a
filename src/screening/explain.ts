// Flags against what the record is recorded as, reviewer notes and the plain-English recommendation.
import type { CompiledClassification } from '../rules/compile.ts';
import type { FlagCode, Indicator, ScreeningResult } from './types.ts';
import { isCounted } from './assess.ts';

export interface RecordedAs {
  id: string | null;
  label: string | null;
  stalking: 's2a' | 's4a' | 'unspecified' | null;
}

/** Normalises a recorded classification (free text or force code) to one class. */
export function classify(classifications: CompiledClassification[], normalisedRecordedAs: string | undefined): RecordedAs {
  if (!normalisedRecordedAs?.trim()) return { id: null, label: null, stalking: null };
  const hit = classifications.find((c) => c.regex.test(normalisedRecordedAs));
  return hit ? { id: hit.id, label: hit.label, stalking: hit.stalking ?? null } : { id: 'other', label: 'Other', stalking: null };
}

type Partial = Pick<ScreeningResult, 'stalking_flag' | 's4a_flag' | 'risk' | 'course_of_conduct' | 's4a' | 'indicators'>;

export function flagsFor(r: Partial, recordedAs: RecordedAs): FlagCode[] {
  const flags: FlagCode[] = [];
  if (r.stalking_flag && !recordedAs.stalking) flags.push('MISSED_STALKING');
  if (r.s4a_flag && recordedAs.stalking !== 's4a') flags.push('POSSIBLE_S4A');
  const breach = r.indicators.some((i) => isCounted(i) && ((i.category === 'order' && /BREACH/.test(i.code)) || i.code === 'L1'));
  if (breach && r.stalking_flag && r.course_of_conduct.occasions_min >= 2) flags.push('BREACH_AS_STALKING');
  if (r.risk.level === 'high') flags.push('HIGH_RISK');
  return flags;
}

export function notesFor(r: Partial, recordedAs: RecordedAs, relationship: string | undefined): string[] {
  const notes: string[] = [];
  const counted = r.indicators.filter(isCounted);
  const impacts = counted.filter((i) => i.category === 'impact');
  if (r.course_of_conduct.occasions_min >= 2 && impacts.length === 0) {
    notes.push('Impact not recorded: the text shows a course of conduct but says nothing of its effect on the victim. Ask about fear and changes to daily life (s4A): missing impact text says nothing about how the victim is affected.');
  }
  const online = counted.some((i) => i.category === 'behaviour' && /^(A2|B[1-3]|D[1-3]|H[12])$/.test(i.code));
  if (online) notes.push('Online element: apply the online flag (HMICFRS found it applied in 36 of 123 online cases).');
  if (counted.some((i) => i.category === 'digital')) notes.push('Digital lines of enquiry present: consider digital triage (Operation Atlas model) and securing evidence early.');
  if (counted.some((i) => /^(D1|D2|D3|N1)$/.test(i.code))) notes.push('Tracker, spyware or covert monitoring suspected: digital safeguarding advice and a device sweep.');
  if (r.indicators.some((i) => i.code === 'G1' || i.context?.counter_allegation)) {
    notes.push('Counter-allegation present: do not assume the first caller is the victim; examine both directions.');
  }
  if (r.s4a.proposed === 's2A') notes.push('If recorded as s2A: summary only, six-month time limit from the offence.');
  const ex = /ex|former/i.test(relationship ?? '') || counted.some((i) => i.category === 'relationship' && /EX|SEPARATION/.test(i.code));
  if (ex && r.course_of_conduct.occasions_min >= 2 && !recordedAs.stalking) {
    notes.push('Former-partner course of conduct: Home Office recording rules default to stalking unless the crime registrar decides it is harassment in law.');
  }
  if (r.stalking_flag) notes.push('Consider a Stalking Protection Order (HMICFRS Rec 13: every stalking case).');
  return notes;
}

/** The distinct labels of the counted indicators of the behaviour category, or (`behaviour: false`) of every other category. */
const codesOf = (inds: Indicator[], behaviour = true) => [...new Set(inds.filter((i) => isCounted(i) && (i.category === 'behaviour') === behaviour).map((i) => i.label.toLowerCase()))];

/** `modelEvidence`: the text model found clauses that read as stalking (named when the rules name no behaviour). */
export function recommendationFor(r: Partial, recordedAs: RecordedAs, flags: FlagCode[], modelEvidence = false): string {
  const behaviours = codesOf(r.indicators).slice(0, 3);
  // When the rules name no behaviour: the text model's marked clauses, or, near a recall-first
  // threshold, that nothing is named and the context that raised the score. Built only when needed.
  const noBehaviour = () => {
    if (modelEvidence) return 'the text model reads stalking conduct in the clauses it marks';
    const context = codesOf(r.indicators, false).slice(0, 3);
    return `no behaviour is named and the score is from the record as a whole${context.length ? ` (${context.join('; ')})` : ''}: read it to decide`;
  };
  const occasions = r.course_of_conduct.occasions_min;
  const recorded = recordedAs.label ? `recorded as ${recordedAs.label.toLowerCase()}` : 'with no recorded classification';
  const parts: string[] = [];
  if (flags.includes('POSSIBLE_S4A')) {
    const limbs = [r.s4a.limb_i.met ? `fear of violence on ${r.s4a.limb_i.occasions} occasions` : null, r.s4a.limb_ii.met ? 'serious alarm or distress affecting daily life' : null].filter(Boolean);
    parts.push(
      behaviours.length && limbs.length
        ? `Review as possible s4A stalking, ${recorded}: a course of conduct (${occasions}+ occasions: ${behaviours.join('; ')}) with ${limbs.join(' and ')}.`
        : behaviours.length || modelEvidence
          ? `Review as possible s4A stalking, ${recorded}: ${behaviours.length ? behaviours.join('; ') : noBehaviour()}${limbs.length ? ` with ${limbs.join(' and ')}` : ', and its effect on the victim may meet s4A'}.`
          : `Review as possible s4A stalking, ${recorded}: ${limbs.length ? `${limbs.join(' and ')}, but ` : ''}${noBehaviour()}.`,
    );
  } else if (flags.includes('MISSED_STALKING')) {
    parts.push(`Review as possible stalking (s2A), ${recorded}: ${behaviours.length ? `${occasions >= 2 ? `${occasions}+ occasions of ` : ''}${behaviours.join('; ')}` : noBehaviour()}.`);
  } else if (r.stalking_flag) {
    parts.push(`Already ${recorded}; the text supports a course of stalking conduct (${occasions}+ occasions).`);
  } else if (behaviours.length) {
    parts.push(`Some stalking behaviour (${behaviours.join('; ')}) but the text does not yet show a course of conduct; check linked records before closing.`);
  } else {
    parts.push('No stalking indicators found in the text.');
  }
  if (flags.includes('HIGH_RISK')) parts.push(`High-risk markers: ${r.risk.markers.slice(0, 3).map((m) => m.label.toLowerCase()).join('; ')}; review risk today.`);
  else if (flags.includes('BREACH_AS_STALKING')) parts.push('A breach of an order forms part of the course of conduct: record the stalking as well as the breach.');
  return parts.join(' ');
}
