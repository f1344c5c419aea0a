// The blind-written corpus is split by writer (datasets/blind/split.json): no writer's text is in two
// splits, so the test split measures writers the models never saw.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelledRecordSchema, type LabelledRecord } from '../../datasets/schema.ts';

const DIR = join(import.meta.dirname, '../../datasets/blind');
const split = JSON.parse(readFileSync(join(DIR, 'split.json'), 'utf8')).writers as Record<'train' | 'dev' | 'test', string[]>;
const read = (s: string): LabelledRecord[] =>
  readFileSync(join(DIR, `${s}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => labelledRecordSchema.parse(JSON.parse(l)));
const sets = { train: read('train'), dev: read('dev'), test: read('test') };

describe('blind-written corpus split', () => {
  it('assigns every writer to one split only', () => {
    const all = [...split.train, ...split.dev, ...split.test];
    expect(new Set(all).size).toBe(all.length);
  });

  it('puts every record in the split of its writer, so no test writer wrote training text', () => {
    for (const [name, records] of Object.entries(sets)) {
      const writers = new Set(split[name as keyof typeof split]);
      for (const r of records) expect(writers.has(r.writer!), `${r.id} by ${r.writer} in ${name}`).toBe(true);
    }
    const writersOf = (rs: LabelledRecord[]) => new Set(rs.map((r) => r.writer));
    const train = writersOf(sets.train);
    for (const w of writersOf(sets.test)) expect(train.has(w)).toBe(false);
    for (const w of writersOf(sets.dev)) expect(train.has(w)).toBe(false);
  });

  it('has no record in two splits and ids that name their writer', () => {
    const ids = [...sets.train, ...sets.dev, ...sets.test].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of [...sets.train, ...sets.dev, ...sets.test]) expect(r.id.startsWith(`blind-${r.writer}-`)).toBe(true);
  });

  it('is as large and as hard as the datasheet says', () => {
    expect(sets.train.length).toBeGreaterThanOrEqual(3000);
    expect(sets.dev.length).toBeGreaterThanOrEqual(500);
    expect(sets.test.length).toBeGreaterThanOrEqual(800);
    for (const records of Object.values(sets)) {
      // A contrastive pair's negative (W26-W29) is a hard negative by design: its positive twin differs only in what decides the label.
      const hard = records.filter((r) => r.scenario?.startsWith('hard_negative:') || (/^pair:\d+:/.test(r.scenario ?? '') && r.scenario!.endsWith(':negative') && !r.label_stalking)).length;
      expect(hard / records.length).toBeGreaterThanOrEqual(0.4);
      expect(new Set(records.map((r) => r.style)).size).toBeGreaterThanOrEqual(10);
    }
  });
});
