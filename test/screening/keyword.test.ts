// The keyword baseline: the plain search a screening unit runs today (src/rules/keyword-baseline.yaml).
// Its figures must come from the same harness code as the screener's, so a report's comparison is fair.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelledRecordSchema } from '../../datasets/schema.ts';
import { evaluate } from '../../eval/harness.ts';
import { createKeywordScreener, loadKeywordTerms, termPattern } from '../../src/screening/keyword.ts';
import { createScreener } from '../../src/screening/factory.ts';

describe('keyword terms', () => {
  it('matches a trailing * as any word ending, on word boundaries, any case', () => {
    const re = termPattern('stalk*');
    expect('He is STALKING me'.match(re)?.[0]).toBe('STALKING');
    expect('my stalker'.match(re)?.[0]).toBe('stalker');
    expect(termPattern('stalk*').test('beanstalk')).toBe(false);
  });

  it('matches a phrase across runs of spaces but not inside a longer word', () => {
    expect(termPattern('turned up').test('he turned   up again')).toBe(true);
    expect(termPattern('blocked').test('unblocked')).toBe(false);
  });

  it('keeps its term list in one data file with its source', () => {
    const terms = loadKeywordTerms();
    expect(terms.stalking).toEqual(expect.arrayContaining(['stalk*', 'harass*', 'turned up', 'blocked', 'restraining order']));
    expect(readFileSync(join(import.meta.dirname, '../../src/rules/keyword-baseline.yaml'), 'utf8')).toMatch(/Source:/);
  });
});

describe('keyword screener', () => {
  const screener = createKeywordScreener();

  it('flags any record with a term, with the term as its evidence span', async () => {
    const text = 'Caller says her ex keeps turning up at work.';
    const r = await screener.screen({ id: 'k1', text });
    expect(r.stalking_flag).toBe(true);
    const span = r.indicators[0]!.spans[0]!;
    expect(text.slice(span.start, span.end)).toBe(span.text);
    expect(span.text.toLowerCase()).toBe('turning up');
  });

  it('does not flag a record without a term, however clearly it describes stalking', async () => {
    const r = await screener.screen({ id: 'k2', text: 'He waits outside her flat every night in his car and sends flowers to her office.' });
    expect(r.stalking_flag).toBe(false);
    expect(r.stalking_score).toBe(0);
  });

  it('ranks more terms higher and needs a fear term for s4A', async () => {
    const one = await screener.screen({ id: 'a', text: 'He blocked the drive.' });
    const three = await screener.screen({ id: 'b', text: 'He is stalking me, harassing me and turned up again. I am terrified.' });
    expect(three.stalking_score).toBeGreaterThan(one.stalking_score);
    expect(one.s4a_flag).toBe(false);
    expect(three.s4a_flag).toBe(true);
  });
});

describe('keyword variant in the harness', () => {
  const records = readFileSync(join(import.meta.dirname, '../../datasets/gold/dev.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => labelledRecordSchema.parse(JSON.parse(l)));

  it("gives the same figures as the main screener and as an ablation row: one code path", async () => {
    const keyword = await createScreener({ mode: 'keyword' });
    const rules = await createScreener({ mode: 'rules' });
    const alone = await evaluate({ records, screener: keyword, bootstrap: { resamples: 50 }, progress: false });
    const beside = await evaluate({ records, screener: rules, variants: { rules, keyword }, bootstrap: { resamples: 50 }, progress: false });
    const row = beside.metrics.ablation!.variants.keyword!;
    for (const task of ['stalking', 's4a'] as const) {
      expect(row[task].recall).toBe(alone.metrics[task].recall);
      expect(row[task].precision).toBe(alone.metrics[task].precision);
      expect(row[task].average_precision).toBe(alone.metrics[task].average_precision);
      expect(row[task].workload).toBe(alone.metrics[task].workload);
      expect(row[task].f2).toBe(alone.metrics[task].f2);
    }
    expect(alone.metrics.stalking.recall).toBeGreaterThan(0);
  });
});
