// Plain allegations (allegations.yaml, code P1) go through the same context as every indicator: an
// allegation that is denied, hypothetical or made by the suspect against the victim is shown but
// not counted, and "stalking her Instagram" is not an allegation at all.
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/rules/compile.ts';
import { analyse } from '../../src/screening/pipeline.ts';
import { loadScorer } from '../../src/screening/score.ts';

const catalogue = loadCatalogue();
const scorer = loadScorer();
const thresholds = { stalking: scorer.stalking.threshold, s4a: scorer.s4a.threshold };
const allegations = (text: string) => analyse({ id: 't', text }, catalogue, scorer, thresholds).result.indicators.filter((i) => i.code === 'P1');

describe('plain allegations in context', () => {
  it.each([
    ['I think he is stalking me.', 'P1.stalking-allegation'],
    ["He won't leave me alone.", 'P1.wont-leave-alone'],
    ['SUSP KEEPS TURNING UP AT IP WORK', 'P1.keeps-turning-up'],
    ['my neighbour has been harassing me for months', 'P1.harassment-allegation'],
  ])('counts %j', (text, rule) => {
    const found = allegations(text);
    expect(found.map((i) => i.rule_id)).toContain(rule);
    expect(found.every((i) => !i.context?.negated && !i.context?.hypothetical && !i.context?.counter_allegation)).toBe(true);
  });

  it('marks a denial as negated', () => {
    expect(allegations('I do not think he is stalking me, he just wants his things back.')[0]?.context?.negated).toBe(true);
  });

  it('marks a conditional as hypothetical', () => {
    expect(allegations('If he keeps turning up I will ring you back.')[0]?.context?.hypothetical).toBe(true);
  });

  it("marks the suspect's claim against the victim as a counter-allegation", () => {
    expect(allegations('He claims she is stalking him.')[0]?.context?.counter_allegation).toBe(true);
  });

  it('does not read loose use as an allegation', () => {
    expect(allegations('I was stalking her Instagram last night, she looks happy.')).toEqual([]);
  });

  it('raises the rules score when allegations come together with repetition', () => {
    const score = (text: string) => analyse({ id: 't', text }, catalogue, scorer, thresholds).result.stalking_score;
    expect(score("He keeps turning up at my work and he won't leave me alone. I think he is stalking me.")).toBeGreaterThan(score('He came to my work once to return a jumper.') + 0.5);
  });
});
