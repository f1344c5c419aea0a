// The counting expressions and classification names carry their own examples too.
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/rules/compile.ts';
import { countIn } from '../../src/screening/conduct.ts';
import { classify } from '../../src/screening/explain.ts';
import { normaliserFor } from '../../src/screening/normalise.ts';

const catalogue = loadCatalogue();
const normalise = normaliserFor(catalogue);

describe.each(catalogue.conduct.map((c) => [c.id, c] as const))('conduct expression %s', (_id, rule) => {
  const matches = (s: string) => {
    const text = normalise(s).text;
    return rule.regexes.flatMap((re) => [...text.matchAll(re)].map((m) => m[0]));
  };
  it.each(rule.must_match.map((m) => [m.text, m.occasions] as const))('matches "%s" as %i occasions', (text, occasions) => {
    const found = matches(text);
    expect(found.length).toBeGreaterThan(0);
    if (rule.kind !== 'date') {
      const best = Math.max(...found.map((f) => {
        const n = rule.occasions === 'count' ? (countIn(f) ?? 1) : rule.occasions;
        return rule.cap ? Math.min(n, rule.cap) : n;
      }));
      expect(best).toBe(occasions);
    }
  });
  it.each(rule.must_not_match.map((s) => [s]))('does not match "%s"', (text) => {
    expect(matches(text)).toEqual([]);
  });
});

describe('countIn', () => {
  it.each([
    ['on three occasions', 3],
    ['x5', 5],
    ['40 messages', 40],
    ['a couple of times', 2],
    ['the fourth time', 4],
    ['dozens of calls', 24],
    ['again', null],
  ])('%s -> %s', (text, n) => expect(countIn(text)).toBe(n));
});

describe('recorded classifications', () => {
  const cases = catalogue.classifications.flatMap((c) => c.examples.map((e) => [e, c.id] as const));
  it.each(cases)('"%s" is %s', (example, id) => {
    expect(classify(catalogue.classifications, normalise(example).text).id).toBe(id);
  });
  it.each([
    ['Harassment s2', 'harassment', null],
    ['S4A PHA 1997', 'stalking_s4a', 's4a'],
    ['Breach of SPO', 'breach_of_order', null],
    ['Communications Act 2003 s127', 'malicious_communications', null],
    ['DOMESTIC INCIDENT - NON CRIME', 'domestic_incident', null],
    ['Something unusual', 'other', null],
  ])('"%s" is %s (stalking: %s)', (text, id, stalking) => {
    const c = classify(catalogue.classifications, normalise(text).text);
    expect(c.id).toBe(id);
    expect(c.stalking).toBe(stalking);
  });
  it('gives no class when nothing is recorded', () => {
    expect(classify(catalogue.classifications, undefined).id).toBeNull();
  });
});
