// The committed development corpus: valid, reproducible from its documented seed, and shaped as
// the datasheet says (prevalence, styles, relationships, hard negatives).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BEHAVIOUR_CODES } from '../../datasets/generator/behaviours.ts';
import { generateDataset, toJsonl } from '../../datasets/generator/index.ts';
import { RELATIONSHIPS } from '../../datasets/generator/people.ts';
import { STYLES } from '../../datasets/schema.ts';
import { validateLines } from '../../src/cli/validate.ts';

const FILE = fileURLToPath(new URL('../../datasets/synthetic/dev.jsonl', import.meta.url));
const content = readFileSync(FILE, 'utf8');
const { records, problems } = validateLines(content);
const positives = records.filter((r) => r.label_stalking);
const negatives = records.filter((r) => !r.label_stalking);

describe('datasets/synthetic/dev.jsonl', () => {
  it('validates line by line', () => {
    expect(problems).toEqual([]);
    expect(records.length).toBeGreaterThanOrEqual(5000);
  });

  it('is exactly what the documented command generates (seed 20261122, n 6000)', () => {
    expect(toJsonl(generateDataset({ seed: 20261122, n: 6000 })) === content).toBe(true);
  }, 60_000);

  it('has 10-20% stalking and about a third of positives s4A', () => {
    const prevalence = positives.length / records.length;
    expect(prevalence).toBeGreaterThanOrEqual(0.1);
    expect(prevalence).toBeLessThanOrEqual(0.2);
    const s4a = positives.filter((r) => r.label_s4a).length / positives.length;
    expect(s4a).toBeGreaterThan(0.25);
    expect(s4a).toBeLessThan(0.45);
  });

  it('has all three writing styles, each with positives', () => {
    // The generator writes the first three styles; the rest belong to the blind-written corpus.
    for (const style of STYLES.slice(0, 3)) expect(positives.filter((r) => r.style === style).length, style).toBeGreaterThan(50);
  });

  it('has every relationship type among positives, about half ex-partner', () => {
    for (const rel of RELATIONSHIPS) expect(positives.some((r) => r.relationship === rel), rel).toBe(true);
    const ex = positives.filter((r) => r.relationship === 'ex-partner').length / positives.length;
    expect(ex).toBeGreaterThan(0.4);
    expect(ex).toBeLessThan(0.6);
  });

  it('has no relationship that gives the label away', () => {
    for (const rel of RELATIONSHIPS) {
      expect(negatives.some((r) => r.relationship === rel), rel).toBe(true);
    }
  });

  it('has at least 30% hard negatives among negatives', () => {
    const hard = negatives.filter((r) => r.scenario?.startsWith('hard_negative:')).length;
    expect(hard / negatives.length).toBeGreaterThanOrEqual(0.3);
  });

  it('mostly hides stalking under other classifications and mostly never says "stalking"', () => {
    const recordedOther = positives.filter((r) => !/stalk/i.test(r.recorded_as ?? '')).length / positives.length;
    expect(recordedOther).toBeGreaterThan(0.7);
    expect(new Set(positives.map((r) => r.scenario)).size).toBeGreaterThanOrEqual(12);
    const sayStalking = positives.filter((r) => /stalk/i.test(r.text)).length / positives.length;
    expect(sayStalking).toBeLessThan(0.3);
    // ...and the word appears in negatives too, so it is no shortcut.
    expect(negatives.filter((r) => /stalk/i.test(r.text)).length).toBeGreaterThan(20);
  });

  it('uses every DOMAIN §2 behaviour code somewhere, and only those codes', () => {
    const used = new Set(records.flatMap((r) => r.indicators ?? []));
    for (const code of BEHAVIOUR_CODES) expect(used.has(code), code).toBe(true);
    for (const code of used) expect((BEHAVIOUR_CODES as readonly string[]).includes(code), code).toBe(true);
  });

  it('puts CRLF line endings and emoji in a small share of records', () => {
    const crlf = records.filter((r) => r.text.includes('\r\n')).length / records.length;
    const emoji = records.filter((r) => /\p{Extended_Pictographic}/u.test(r.text)).length / records.length;
    expect(crlf).toBeGreaterThan(0);
    expect(crlf).toBeLessThan(0.1);
    expect(emoji).toBeGreaterThan(0);
    expect(emoji).toBeLessThan(0.1);
  });

  it('has all three risk levels among positives and high-risk negatives too', () => {
    for (const level of ['high', 'medium', 'standard']) expect(positives.some((r) => r.label_risk === level), level).toBe(true);
    expect(negatives.some((r) => r.label_risk === 'high')).toBe(true);
  });
});
