import { describe, expect, it } from 'vitest';
import { evidenceSpans, qualify, suggestedClassification } from '../../src/console/evidence.ts';

const cue = (category: string, text: string) => ({ category, span: { start: 0, end: text.length, text } });
const ctx = (over: Record<string, unknown>) => ({ negated: false, hypothetical: false, historical: false, other_experiencer: false, proxy: false, uncertain: false, counter_allegation: false, quoted: false, cues: [], ...over });

describe('qualify', () => {
  it.each([
    [ctx({ negated: true, cues: [cue('NEGATED', 'did not')] }), true, ['negated by “did not”']],
    [ctx({ hypothetical: true, cues: [cue('HYPOTHETICAL', 'if')] }), true, ['hypothetical by “if”']],
    [ctx({ other_experiencer: true }), true, ['about someone else']],
    [ctx({ counter_allegation: true, cues: [cue('COUNTER_ALLEGATION', 'he says she')] }), true, ['counter-allegation by the suspect by “he says she”']],
    [ctx({ historical: true, cues: [cue('HISTORICAL', 'last year')] }), false, ['historical by “last year”']],
    [ctx({ proxy: true }), false, ['aimed at family, friends or work']],
    [ctx({}), false, []],
    [undefined, false, []],
  ])('%j -> muted %s', (context, muted, qualifiers) => {
    expect(qualify(context as never)).toEqual({ muted, qualifiers });
  });
});

describe('evidenceSpans', () => {
  it('takes every indicator span and adds risk markers and digital leads not already shown', () => {
    const s = (start: number, end: number, text: string) => ({ start, end, text });
    const spans = evidenceSpans({
      indicators: [
        { code: 'A2', category: 'behaviour', label: 'texts', spans: [s(0, 5, 'texts'), s(10, 15, 'calls')], source: 'rule', weight: 1, reason: '' },
        { code: 'RISK.T', category: 'risk', label: 'threat', spans: [s(20, 26, 'threat')], source: 'rule', weight: 1, reason: '', context: ctx({ negated: true }) as never },
      ],
      risk: { level: 'high', markers: [{ code: 'RISK.T', label: 'threat', span: s(20, 26, 'threat') }, { code: 'RISK.W', label: 'weapon', span: s(30, 35, 'knife') }] },
      digital_leads: [{ code: 'DIG.PHONE', label: 'phone', span: s(40, 45, 'phone') }],
    });
    expect(spans.map((x) => [x.annotation.code, x.text, x.annotation.muted])).toEqual([
      ['A2', 'texts', false],
      ['A2', 'calls', false],
      ['RISK.T', 'threat', true],
      ['RISK.W', 'knife', false],
      ['DIG.PHONE', 'phone', false],
    ]);
  });

  it('survives a result missing everything', () => {
    expect(evidenceSpans({})).toEqual([]);
  });
});

describe('suggestedClassification', () => {
  it.each([
    [{ s4a: { proposed: 's4A(ii)' } }, 'Stalking s4A(ii)'],
    [{ s4a: { proposed: 's2A' } }, 'Stalking s2A'],
    [{ stalking_flag: true, s4a: { proposed: null } }, 'Stalking s2A'],
    [{ stalking_flag: false, s4a: { proposed: null } }, null],
    [{}, null],
  ])('%j -> %s', (result, expected) => {
    expect(suggestedClassification(result as never)).toBe(expected);
  });
});
