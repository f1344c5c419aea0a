// The rules scorer's pursuit_course feature: repetition counts as stalking-like when what repeats is
// pursuit (following, turning up, contact...), not when it is violence or abuse inside a household.
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/rules/compile.ts';
import { analyse } from '../../src/screening/pipeline.ts';
import { loadScorer, rulesThresholds } from '../../src/screening/score.ts';

const catalogue = loadCatalogue();
const scorer = loadScorer();
const featuresOf = (text: string) => analyse({ id: 't', text }, catalogue, scorer, rulesThresholds(scorer)).features;

describe('pursuit_course', () => {
  it.each([
    'that lad used to follow my sister each evening from the depot',
    'the same guy waits outside my office every evening',
    'The caretaker stalked her for one month.',
    'he keeps messaging me on whatsapp even after i blocked him twice',
  ])('is set for repeated pursuit: %s', (text) => {
    expect(featuresOf(text).pursuit_course).toBe(1);
  });

  it.each([
    'Her stepfather shouts at her and hits her at home, nearly every night, again and again.',
    'A stranger followed her from the tram stop once and shouted a remark.',
    'He sent one message asking for his tools back.',
  ])('is not set for repeated violence at home or a single act: %s', (text) => {
    expect(featuresOf(text).pursuit_course).toBe(0);
  });

  it('raises the rules score of repeated following over the same following once', () => {
    const once = analyse({ id: 'a', text: 'that lad followed my sister from the depot' }, catalogue, scorer, rulesThresholds(scorer)).result.stalking_score;
    const daily = analyse({ id: 'b', text: 'that lad used to follow my sister each evening from the depot' }, catalogue, scorer, rulesThresholds(scorer)).result.stalking_score;
    expect(daily).toBeGreaterThan(once);
    expect(scorer.stalking.weights.pursuit_course ?? 0).toBeGreaterThan(0);
  });
});
