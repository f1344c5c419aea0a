import { describe, expect, it } from 'vitest';
import { generateDataset, riskLevel, toJsonl } from '../../datasets/generator/index.ts';
import { Rng } from '../../datasets/generator/random.ts';
import { labelledRecordSchema } from '../../datasets/schema.ts';

describe('generateDataset', () => {
  it('gives the same bytes for the same seed', () => {
    const a = toJsonl(generateDataset({ seed: 42, n: 300 }));
    const b = toJsonl(generateDataset({ seed: 42, n: 300 }));
    expect(a).toBe(b);
  });

  it('gives different records for a different seed', () => {
    const a = generateDataset({ seed: 42, n: 300 });
    const b = generateDataset({ seed: 43, n: 300 });
    const same = a.filter((r, i) => r.text === b[i]!.text).length;
    expect(same).toBe(0);
  });

  const sample = generateDataset({ seed: 7, n: 600 });

  it('writes records that pass the labelled schema, with every descriptive field', () => {
    for (const r of sample) {
      expect(labelledRecordSchema.safeParse(r).success).toBe(true);
      for (const field of ['kind', 'recorded_as', 'style', 'online', 'indicators', 'rationale', 'scenario', 'label_risk', 'occurred_at', 'reported_at'] as const) {
        expect(r[field], `${r.id} ${field}`).toBeDefined();
      }
    }
  });

  it('leaves no template tokens behind and keeps texts within 200-2000 characters', () => {
    for (const r of sample) {
      expect(r.text).not.toMatch(/[{}]|undefined|NaN/);
      expect(r.text.length).toBeGreaterThanOrEqual(200);
      expect(r.text.length).toBeLessThanOrEqual(2000);
    }
  });

  it('gives every positive at least one behaviour code and keeps s4A inside stalking', () => {
    for (const r of sample) {
      if (r.label_stalking) expect(r.indicators!.length, r.id).toBeGreaterThan(0);
      if (r.label_s4a) expect(r.label_stalking).toBe(true);
    }
  });

  it('lets a caller ask for long narratives (the benchmark wants 1-2 KB)', () => {
    const long = generateDataset({ seed: 3, n: 40, minChars: 1000, maxChars: 2000 });
    for (const r of long) {
      expect(r.text.length).toBeGreaterThanOrEqual(1000);
      expect(r.text.length).toBeLessThanOrEqual(2000);
    }
  });

  it('puts some people in several records for linking', () => {
    const byPair = new Map<string, number>();
    for (const r of sample) {
      if (r.victim_ref && r.suspect_ref) byPair.set(`${r.victim_ref}|${r.suspect_ref}`, (byPair.get(`${r.victim_ref}|${r.suspect_ref}`) ?? 0) + 1);
    }
    expect([...byPair.values()].filter((k) => k >= 2).length).toBeGreaterThan(0);
  });
});

describe('riskLevel (DOMAIN §4.3)', () => {
  it.each([
    [[], 'standard'],
    [['separation'], 'medium'],
    [['breach'], 'medium'],
    [['breach', 'escalation'], 'high'],
    [['threat_to_kill'], 'high'],
    [['tracker', 'separation'], 'high'],
    [['fear_of_harm'], 'medium'],
    [['fear_of_death'], 'high'],
  ] as const)('%j -> %s', (markers, level) => {
    expect(riskLevel(new Set(markers))).toBe(level);
  });
});

describe('Rng', () => {
  it('repeats its stream for a seed and differs between keys', () => {
    const a = Array.from({ length: 5 }, ((r) => () => r.next())(Rng.derive(1, 'x')));
    const b = Array.from({ length: 5 }, ((r) => () => r.next())(Rng.derive(1, 'x')));
    const c = Array.from({ length: 5 }, ((r) => () => r.next())(Rng.derive(1, 'y')));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('keeps int() inside its bounds and reaches both ends', () => {
    const rng = new Rng(99);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const v = rng.int(1, 4);
      expect(v).toBeGreaterThanOrEqual(1);
      expect(v).toBeLessThanOrEqual(4);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([1, 2, 3, 4]);
  });
});
