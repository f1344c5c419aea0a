// Whole-record behaviour of the screening pipeline: flags, spans, course of conduct, s4A, notes.
import { describe, expect, it } from 'vitest';
import { createScreener } from '../../src/screening/factory.ts';
import type { ScreeningResult, Span } from '../../src/screening/types.ts';
import { CRLF_EMOJI_LOG, HARD_NEGATIVES, POSITIVES } from './fixtures.ts';

const screener = await createScreener();
const screen = (text: string, extra: Record<string, string> = {}) => screener.screen({ id: 't', text, ...extra });

/** Every span anywhere in a result, for the offset invariant. */
function allSpans(r: ScreeningResult): Span[] {
  return [
    ...r.indicators.flatMap((i) => [...i.spans, ...(i.context?.cues.map((c) => c.span) ?? [])]),
    ...r.course_of_conduct.evidence.map((e) => e.span),
    ...r.s4a.limb_i.evidence.map((e) => e.span),
    ...r.s4a.limb_ii.evidence.map((e) => e.span),
    ...r.s4a.ought_to_know.map((e) => e.span),
    ...r.risk.markers.map((m) => m.span),
    ...r.digital_leads.map((d) => d.span),
  ];
}

describe('spans point into the original text', () => {
  const texts = [...Object.values(POSITIVES), ...Object.values(HARD_NEGATIVES), CRLF_EMOJI_LOG, POSITIVES.officerSummary.toUpperCase()];
  it.each(texts.map((t) => [t.slice(0, 40), t]))('%s...', async (_label, text) => {
    const r = await screen(text);
    const spans = allSpans(r);
    for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.text);
    if (text === CRLF_EMOJI_LOG) expect(spans.length).toBeGreaterThan(3);
  });
});

describe('hidden stalking is flagged', () => {
  it.each(Object.entries(POSITIVES))('%s', async (_name, text) => {
    const r = await screen(text, { recorded_as: 'Harassment' });
    expect(r.stalking_flag, r.recommendation).toBe(true);
    expect(r.flags).toContain('MISSED_STALKING');
    expect(r.course_of_conduct.occasions_min).toBeGreaterThanOrEqual(2);
    expect(r.recommendation.length).toBeGreaterThan(20);
  });

  it('quoted threats and a repeat count make the CRLF/emoji log high risk stalking', async () => {
    const r = await screen(CRLF_EMOJI_LOG, { recorded_as: 'Malicious Communications' });
    expect(r.stalking_flag).toBe(true);
    expect(r.risk_level).toBe('high');
    expect(r.flags).toContain('HIGH_RISK');
    expect(r.course_of_conduct.occasions_min).toBeGreaterThanOrEqual(4);
  });
});

describe('hard negatives stay unflagged', () => {
  const { negatedBehaviour, ...strict } = HARD_NEGATIVES;
  it.each(Object.entries(strict))('%s', async (_name, text) => {
    const r = await screen(text);
    expect(r.stalking_flag, JSON.stringify(r.indicators.map((i) => [i.code, i.spans[0]?.text, i.context]))).toBe(false);
    expect(r.flags).not.toContain('MISSED_STALKING');
  });

  // At the recall-first flag threshold the default may flag a record on its context alone (an
  // ex-partner, an order served) though every behaviour in it is negated. It must then name no rule
  // behaviour, stay out of the priority band and never reach s4A.
  it('negatedBehaviour: no behaviour counted, never priority or s4A, and said so if flagged', async () => {
    const r = await screen(negatedBehaviour);
    expect(r.indicators.filter((i) => i.source === 'rule' && i.category === 'behaviour' && !i.context?.negated)).toEqual([]);
    expect(r.s4a_flag).toBe(false);
    expect(r.stalking_score).toBeLessThan(screener.thresholds.priority ?? 1);
    // Flagged, it names no behaviour: the text model's marked clauses or "no behaviour is named".
    if (r.stalking_flag) expect(r.recommendation).toMatch(/the text model reads stalking conduct in the clauses it marks|no behaviour is named/);
  });
});

describe('flags against what the record is recorded as', () => {
  it('does not raise MISSED_STALKING when already recorded as stalking', async () => {
    const r = await screen(POSITIVES.officerSummary, { recorded_as: 'Stalking s2A' });
    expect(r.stalking_flag).toBe(true);
    expect(r.flags).not.toContain('MISSED_STALKING');
    expect(r.recorded_as_class).toBe('stalking_s2a');
  });

  it('raises POSSIBLE_S4A for s2A-recorded stalking with fear and changed routines', async () => {
    const r = await screen(POSITIVES.victimStatement, { recorded_as: 'Stalking s2A' });
    expect(r.s4a_flag, JSON.stringify(r.s4a)).toBe(true);
    expect(r.flags).toContain('POSSIBLE_S4A');
    expect(r.s4a.proposed).toMatch(/^s4A/);
  });

  it('raises BREACH_AS_STALKING when a breach is part of the course of conduct', async () => {
    const text = 'Restraining order in force. Suspect breached it again by turning up at her house on Monday and Wednesday and has been texting her every day.';
    const r = await screen(text, { recorded_as: 'Breach of Restraining Order' });
    expect(r.flags).toContain('BREACH_AS_STALKING');
    expect(r.flags).toContain('MISSED_STALKING');
  });

  it('notes "impact not recorded" (never "low impact") when conduct has no impact text', async () => {
    const text = 'Suspect has sent the victim over 30 text messages since Friday and has turned up at her address twice.';
    const r = await screen(text);
    expect(r.course_of_conduct.occasions_min).toBeGreaterThanOrEqual(2);
    expect(r.notes.some((n) => /impact not recorded/i.test(n))).toBe(true);
    expect(JSON.stringify(r)).not.toMatch(/low impact/i);
  });

  it('traces every result to the rules, model and scorer that produced it', async () => {
    const r = await screen('x');
    expect(r.versions.rules).toMatch(/^catalogue-[0-9a-f]{12}$/);
    expect(r.versions.scorer).toBeTruthy();
    expect(r.versions.model).toBeTruthy();
  });
});

describe('course of conduct counting', () => {
  it.each([
    ['He has turned up at her house on three occasions.', 3],
    ['SUSP HAS CALLED IP X5 TODAY FROM WITHHELD NO.', 5],
    ['She has received 40 messages from him on Facebook.', 2],
    ['He follows her home from work every day.', 2],
    ['On 3rd May he waited outside her flat. On 9th May he waited outside her flat again.', 2],
    ['He sent her a letter. The next week he followed her to the shops.', 2],
    ['He followed her home once.', 1],
    ['He has never followed her.', 0],
    ['Parking dispute between neighbours.', 0],
    // A story of one outing is one occasion, however long it went on and whatever it held...
    ['One evening a man kept following her along the canal, staring and passing remarks at her.', 1],
    ['The other day a man continuously followed her from the gym. He tried to talk to her.', 1],
    // ...unless something counts across days: 'again', a frequency, a second dated event.
    ['One evening a man followed her home from the gym again; he does it every week.', 2],
    ['He kept following her to the gym for weeks.', 2],
    ['SUSP KEPT CALLING IP ALL NIGHT.', 2],
    // ...and only when the behaviour is told within the outing.
    ['He waits outside my work. He follows me home. One day he will hurt me.', 2],
    ['A man repeatedly followed me home from the station. The other day he waited at my gate.', 2],
    ['My ex kept turning up at my work after we split. One morning he was outside my flat.', 2],
    ['IP STATES EX-P CONTINUED TO MESSAGE HER AFTER SHE BLOCKED HIM. THAT EVENING HE WAS SAT OUTSIDE HER ADDRESS.', 2],
  ])('%s -> %i', async (text, expected) => {
    const r = await screen(text);
    expect(r.course_of_conduct.occasions_min).toBe(expected);
    for (const e of r.course_of_conduct.evidence) expect(text.slice(e.span.start, e.span.end)).toBe(e.span.text);
  });
});
