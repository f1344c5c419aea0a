// Several kinds of behaviour in different sentences count as two occasions, except the kinds that
// come with one incident as often as not (conduct.yaml kinds_not_counted).
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/rules/compile.ts';
import { analyse } from '../../src/screening/pipeline.ts';
import { loadScorer } from '../../src/screening/score.ts';

const catalogue = loadCatalogue();
const scorer = loadScorer();
const course = (text: string) => analyse({ id: 'k', text }, catalogue, scorer, { stalking: 0.5, s4a: 0.5 }).result.course_of_conduct;
const severalKinds = (c: ReturnType<typeof course>) => c.evidence.filter((e) => e.reason.startsWith('several kinds'));

describe('several kinds of behaviour', () => {
  it('the catalogue names the kinds that do not count', () => {
    expect([...catalogue.kindsNotCounted].sort()).toEqual(['J1', 'J3', 'K1', 'P1']);
  });
  it('a follow and messages, told apart, are two occasions', () => {
    const c = course('He followed her from the station. He sent her messages on Instagram asking to meet.');
    expect(c.occasions_min).toBeGreaterThanOrEqual(2);
    expect(severalKinds(c).length).toBeGreaterThan(0);
  });
  it('a follow and the abuse shouted during it are not', () => {
    expect(severalKinds(course('He followed her from the station. He shouted abuse at her.'))).toEqual([]);
  });
  it('an assault and a follow are not', () => {
    expect(severalKinds(course('He followed her from the station. He punched her in the face.'))).toEqual([]);
  });
});

describe('one outing', () => {
  it('an assault told after a following that went on to its end stays within the outing', () => {
    expect(course('A man kept following me till I reached the station. He then pushed me.').occasions_min).toBe(1);
  });
  it('a message told after it does not', () => {
    expect(course('A man kept following me till I reached the station. He also sent me messages on Instagram.').occasions_min).toBeGreaterThanOrEqual(2);
  });
});
