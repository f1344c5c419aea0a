// Turns a stored screening result into what the record page shows: evidence spans with their
// context qualifiers, and the suggested classification. Stored results may come from older rule
// versions, so every field is read defensively rather than trusted to match today's types.
import type { ContextFlags, ScreeningResult, Span } from '../screening/types.ts';
import type { Annotation, EvidenceSpan } from './highlight.ts';

/** A stored result: the current shape, but any part may be missing in an older one. */
export type StoredResult = Partial<ScreeningResult>;

// Context flags that mean "this did not happen to the victim as described", so the mention is
// shown muted and not counted. The same four are excluded from case linking (store/links.ts).
const MUTING: { flag: keyof ContextFlags; word: string; cue: string }[] = [
  { flag: 'negated', word: 'negated', cue: 'NEGATED' },
  { flag: 'hypothetical', word: 'hypothetical', cue: 'HYPOTHETICAL' },
  { flag: 'other_experiencer', word: 'about someone else', cue: 'OTHER_EXPERIENCER' },
  { flag: 'counter_allegation', word: 'counter-allegation by the suspect', cue: 'COUNTER_ALLEGATION' },
];
// Shown as qualifiers but still counted.
const NOTED: { flag: keyof ContextFlags; word: string; cue: string }[] = [
  { flag: 'historical', word: 'historical', cue: 'HISTORICAL' },
  { flag: 'uncertain', word: 'uncertain', cue: 'UNCERTAIN' },
  { flag: 'proxy', word: 'aimed at family, friends or work', cue: 'PROXY' },
  { flag: 'quoted', word: 'in a quoted message', cue: 'QUOTED' },
];

function cueWords(ctx: Partial<ContextFlags>, cue: string): string[] {
  return (ctx.cues ?? []).filter((c) => c.category?.toUpperCase().startsWith(cue)).map((c) => c.span?.text).filter((t): t is string => !!t);
}

/** The context of one mention as muted-or-not plus readable qualifiers naming the cue words. */
export function qualify(ctx: Partial<ContextFlags> | undefined): { muted: boolean; qualifiers: string[] } {
  if (!ctx) return { muted: false, qualifiers: [] };
  const qualifiers: string[] = [];
  let muted = false;
  for (const { flag, word, cue } of [...MUTING, ...NOTED]) {
    if (!ctx[flag]) continue;
    if (MUTING.some((m) => m.flag === flag)) muted = true;
    const words = cueWords(ctx, cue);
    qualifiers.push(words.length ? `${word} by ${words.map((w) => `“${w}”`).join(', ')}` : word);
  }
  return { muted, qualifiers };
}

const isSpan = (s: unknown): s is Span =>
  !!s && typeof (s as Span).start === 'number' && typeof (s as Span).end === 'number' && typeof (s as Span).text === 'string';

/** Every span the result points at: indicators, then risk markers and digital leads not already covered. */
export function evidenceSpans(result: StoredResult): EvidenceSpan[] {
  const out: EvidenceSpan[] = [];
  const seen = new Set<string>();
  for (const ind of result.indicators ?? []) {
    const { muted, qualifiers } = qualify(ind.context);
    // The text model's clauses say how much each raised the score, beside the rules' spans.
    const label = ind.source === 'model' && typeof ind.contribution === 'number' ? `${ind.label} (+${ind.contribution.toFixed(2)} log-odds)` : ind.label;
    const annotation: Annotation = { category: ind.category, code: ind.code, label, muted, qualifiers };
    for (const s of ind.spans ?? []) {
      if (!isSpan(s)) continue;
      seen.add(`${s.start}:${s.end}:${ind.category}`);
      out.push({ start: s.start, end: s.end, text: s.text, annotation });
    }
  }
  const extra = (category: string, list: { code: string; label: string; span: Span }[] | undefined) => {
    for (const m of list ?? []) {
      if (!isSpan(m.span) || seen.has(`${m.span.start}:${m.span.end}:${category}`)) continue;
      out.push({ ...m.span, annotation: { category, code: m.code, label: m.label, muted: false, qualifiers: [] } });
    }
  };
  extra('risk', result.risk?.markers);
  extra('digital', result.digital_leads);
  return out;
}

/** What the screener suggests the record should be classified as, for comparison with recorded_as. */
export function suggestedClassification(result: StoredResult): string | null {
  const proposed = result.s4a?.proposed;
  if (proposed && /^s4a/i.test(proposed)) return `Stalking ${proposed}`;
  if (proposed === 's2A' || result.stalking_flag) return 'Stalking s2A';
  return null;
}

export const FLAG_LABELS: Record<string, string> = {
  MISSED_STALKING: 'Missed stalking',
  POSSIBLE_S4A: 'Possible s4A',
  BREACH_AS_STALKING: 'Breach as stalking',
  HIGH_RISK: 'High risk',
  LINKED_PATTERN: 'Linked pattern',
  SCREENING_FAILED: 'Screening failed',
};

export const DECISION_LABELS: Record<string, string> = {
  stalking_s2a: 'Stalking (s2A)',
  stalking_s4a: 'Stalking involving fear of violence or serious alarm or distress (s4A)',
  not_stalking: 'Not stalking',
  needs_more_information: 'Needs more information',
};
