// Linking rules, as a table: when does a case history show a course of conduct one record does not?
import { describe, expect, it } from 'vitest';
import { assessLinkedPattern, caseKey, hasBehaviourIndicator } from '../../src/store/links.ts';

const rec = (occasions: number, hasBehaviour: boolean) => ({ occasions, hasBehaviour });

describe('assessLinkedPattern', () => {
  it.each([
    { name: 'no other records', self: rec(1, true), others: [], linked: false },
    { name: 'one occasion each across two records', self: rec(1, true), others: [rec(1, true)], linked: true },
    { name: 'this record alone already shows two occasions', self: rec(2, true), others: [rec(1, true)], linked: false },
    { name: 'occasions sum to two though only one record has a behaviour', self: rec(0, false), others: [rec(2, true)], linked: true },
    { name: 'two records with behaviours but no counted occasions', self: rec(0, true), others: [rec(0, true)], linked: true },
    { name: 'one occasion in total', self: rec(1, true), others: [rec(0, false)], linked: false },
    { name: 'linked records with nothing in them', self: rec(0, false), others: [rec(0, false), rec(0, false)], linked: false },
    { name: 'three single occasions', self: rec(1, false), others: [rec(1, false), rec(1, false)], linked: true },
  ])('$name -> linked=$linked', ({ self, others, linked }) => {
    expect(assessLinkedPattern(self, others).linked).toBe(linked);
  });

  it('reports the totals behind the decision', () => {
    expect(assessLinkedPattern(rec(1, true), [rec(2, false), rec(0, true)])).toEqual({ linked: true, occasions_total: 3, records_with_behaviour: 2 });
  });
});

describe('hasBehaviourIndicator', () => {
  const behaviour = (context = {}) => ({ category: 'behaviour', context: { negated: false, hypothetical: false, other_experiencer: false, counter_allegation: false, ...context } });
  it('counts an asserted behaviour', () => expect(hasBehaviourIndicator({ indicators: [behaviour()] })).toBe(true));
  it.each(['negated', 'hypothetical', 'other_experiencer', 'counter_allegation'])('does not count a %s behaviour', (flag) => {
    expect(hasBehaviourIndicator({ indicators: [behaviour({ [flag]: true })] })).toBe(false);
  });
  it('does not count impact or risk indicators', () => expect(hasBehaviourIndicator({ indicators: [{ category: 'impact' }, { category: 'risk' }] })).toBe(false));
});

describe('caseKey', () => {
  it('needs both refs', () => {
    expect(caseKey('V1', 'S1')).toBe('case:V1\u0000S1');
    expect(caseKey('V1', undefined)).toBeNull();
    expect(caseKey(null, 'S1')).toBeNull();
    expect(caseKey('', 'S1')).toBeNull();
  });
  it('keeps the pair ordered (victim, suspect), so reversed roles are a different case', () => {
    expect(caseKey('A', 'B')).not.toBe(caseKey('B', 'A'));
  });
});
