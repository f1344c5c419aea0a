// Long copies of labelled records (datasets/padding.ts): what the combining scorer is fitted with and
// eval:all reports as blind-dev-long.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isRoutine, padded } from '../../datasets/padding.ts';
import { labelledRecordSchema } from '../../datasets/schema.ts';

const dev = readFileSync('datasets/blind/dev.jsonl', 'utf8').split('\n').filter(Boolean).map((l) => labelledRecordSchema.parse(JSON.parse(l)));

describe('padded', () => {
  const long = padded(dev);
  it('gives every record again, with its own labels and its own text inside a longer one', () => {
    expect(long).toHaveLength(dev.length);
    long.forEach((r, i) => {
      const o = dev[i]!;
      expect(r.id).toBe(`${o.id}-long`);
      expect([r.label_stalking, r.label_s4a, r.label_risk]).toEqual([o.label_stalking, o.label_s4a, o.label_risk]);
      expect(r.text).toContain(o.text);
      expect(r.text.length).toBeGreaterThan(o.text.length);
    });
  });
  it('adds nothing but routine records of the same set', () => {
    const routine = [...new Set(dev.filter(isRoutine).map((r) => r.text))].sort((a, b) => b.length - a.length);
    long.slice(0, 300).forEach((r, i) => {
      let rest = r.text.replace(dev[i]!.text, '');
      for (const t of routine) rest = rest.split(t).join('');
      expect(rest.trim()).toBe('');
    });
  });
  it('joins 3 to 6 different routine records, never the record itself', () => {
    const routine = dev.filter(isRoutine);
    long.slice(0, 300).forEach((r, i) => {
      const used = routine.filter((o) => o.id !== dev[i]!.id && r.text.includes(o.text));
      expect(used.length).toBeGreaterThanOrEqual(3);
      expect(used.length).toBeLessThanOrEqual(6);
    });
  });
  it('takes as routine only records labelled no stalking, no s4A and standard risk', () => {
    for (const r of dev.filter(isRoutine)) expect([r.label_stalking, r.label_s4a, r.label_risk ?? 'standard']).toEqual([false, false, 'standard']);
  });
  it('is the same for the same seed and differs for another', () => {
    expect(padded(dev).map((r) => r.text)).toEqual(long.map((r) => r.text));
    expect(padded(dev, { seed: 8 }).map((r) => r.text)).not.toEqual(long.map((r) => r.text));
  });
  it('refuses a set without routine records', () => {
    expect(() => padded(dev.filter((r) => !isRoutine(r)))).toThrow(/routine/);
  });
});
