import { describe, expect, it } from 'vitest';
import { type Annotation, type EvidenceSpan, layoutNarrative, markTag } from '../../src/console/highlight.ts';

const ann = (code: string, category = 'behaviour', muted = false): Annotation => ({ category, code, label: `label ${code}`, muted, qualifiers: muted ? ['negated by “not”'] : [] });
const span = (text: string, words: string, a: Annotation, from = 0): EvidenceSpan => {
  const start = text.indexOf(words, from);
  if (start < 0) throw new Error(`"${words}" not in text`);
  return { start, end: start + words.length, text: words, annotation: a };
};

/** The text content of the mark with id ev-N (nested marks included, tag labels are CSS-only). */
function markText(html: string, n: number): string | undefined {
  const open = html.indexOf(`id="ev-${n}"`);
  if (open < 0) return undefined;
  let i = html.indexOf('>', open) + 1;
  let depth = 1;
  let out = '';
  while (depth > 0 && i < html.length) {
    if (html.startsWith('<mark', i)) depth++;
    else if (html.startsWith('</mark>', i)) depth--;
    if (html[i] === '<') {
      i = html.indexOf('>', i) + 1;
      continue;
    }
    out += html[i++];
  }
  return out.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

const stripTags = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describe('layoutNarrative', () => {
  const text = 'He followed her home again and sent 30 texts after she told him to stop.';

  it.each([
    ['one span', [span(text, 'followed her home', ann('C1'))], ['followed her home']],
    ['two disjoint spans', [span(text, 'followed her home', ann('C1')), span(text, '30 texts', ann('A2'))], ['followed her home', '30 texts']],
    ['a span nested in another', [span(text, 'sent 30 texts after', ann('A2')), span(text, '30 texts', ann('A3'))], ['sent 30 texts after', '30 texts']],
  ])('%s: every mark holds exactly its span text and the narrative is unchanged', (_name, spans, expected) => {
    const out = layoutNarrative(text, spans);
    expect(out.unplaced).toEqual([]);
    expect(out.marks.map((m) => markText(out.html.value, m.n))).toEqual(expected);
    expect(stripTags(out.html.value)).toBe(text);
  });

  it('puts two indicators on the same words in one mark listing both codes', () => {
    const out = layoutNarrative(text, [span(text, '30 texts', ann('A2')), span(text, '30 texts', ann('RISK.X', 'risk'))]);
    expect(out.marks).toHaveLength(1);
    expect(out.html.value).toContain('data-codes="A2 RISK.X"');
    expect(out.html.value).toMatch(/class="ev cat-behaviour cat-risk"/);
    expect(out.html.value.match(/<mark /g)).toHaveLength(1);
  });

  it('cuts a crossing span into two marks that share its number, keeping the text intact', () => {
    const out = layoutNarrative(text, [span(text, '30 texts', ann('A2')), span(text, 'texts after she told', ann('A3'))]);
    expect(out.marks.map((m) => m.text)).toEqual(['30 texts', 'texts after she told']);
    expect(markText(out.html.value, 1)).toBe('30 texts');
    // Span 2 begins inside span 1: its first piece is nested there, the rest follows.
    expect(out.html.value.match(/data-ev="2"/g)).toHaveLength(2);
    expect(out.html.value.match(/id="ev-2"/g)).toHaveLength(1);
    expect(out.html.value).toContain('data-part="1"');
    expect(out.html.value).toContain('data-part="2"');
    // Labelled once, after its last piece.
    expect(out.html.value.match(/data-tag="2 /g)).toHaveLength(1);
    expect(out.html.value).toMatch(/data-tag="2 BEH A3"[^>]*data-part="2"/);
    expect(stripTags(out.html.value)).toBe(text);
  });

  it.each([
    ['offsets that select other words', { start: 3, end: 11, text: 'not this', annotation: ann('C1') }],
    ['offsets past the end', { start: 60, end: 200, text: 'stop.', annotation: ann('C1') }],
    ['an empty span', { start: 5, end: 5, text: '', annotation: ann('C1') }],
    ['fractional offsets', { start: 3.5, end: 11, text: 'followed', annotation: ann('C1') }],
  ])('does not draw %s, and reports it as unplaced', (_name, bad) => {
    const out = layoutNarrative(text, [bad as EvidenceSpan]);
    expect(out.marks).toEqual([]);
    expect(out.unplaced).toHaveLength(1);
    expect(out.html.value).not.toContain('<mark');
  });

  it('uses UTF-16 offsets, so an emoji before the span does not shift it', () => {
    const t = '😀😀 he followed her';
    const start = t.indexOf('followed'); // 8: each emoji is two code units (6 in code points)
    expect(start).toBe(8);
    expect([...t.slice(0, start)]).toHaveLength(6);
    const out = layoutNarrative(t, [{ start, end: start + 8, text: 'followed', annotation: ann('C1') }]);
    expect(markText(out.html.value, 1)).toBe('followed');
  });

  it('escapes the narrative and the labels', () => {
    const t = '<script>alert(1)</script> "he" & she';
    const out = layoutNarrative(t, [{ start: 26, end: 30, text: '"he"', annotation: { ...ann('C1'), label: '<b>x</b>' } }]);
    expect(out.html.value).not.toContain('<script>');
    expect(out.html.value).toContain('&lt;script&gt;');
    expect(out.html.value).not.toContain('<b>');
    expect(markText(out.html.value, 1)).toBe('"he"');
  });

  it('mutes a mark only when every annotation on it is muted', () => {
    const muted = layoutNarrative(text, [span(text, 'followed her home', ann('C1', 'behaviour', true))]);
    expect(muted.html.value).toMatch(/class="ev cat-behaviour muted"/);
    expect(muted.html.value).toContain('not asserted');
    const mixed = layoutNarrative(text, [span(text, 'followed her home', ann('C1', 'behaviour', true)), span(text, 'followed her home', ann('C2'))]);
    expect(mixed.html.value).not.toMatch(/muted"/);
  });
});

describe('markTag', () => {
  it.each([
    [[ann('A2')], 'BEH A2'],
    [[ann('IMP.DISTRESS', 'impact')], 'IMP'],
    [[ann('A2'), ann('RISK.X', 'risk')], 'BEH A2 + RISK'],
    [[ann('C1', 'behaviour', true)], 'BEH C1 · not asserted'],
    [[ann('X', 'order')], 'ORDER'],
    [[ann('X', 'digital')], 'DIG'],
  ])('labels %j as %s', (annotations, expected) => {
    expect(markTag(annotations)).toBe(expected);
  });
});
