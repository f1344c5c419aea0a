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

// pursuit_repeated is narrower: the text itself states that the pursuit recurred (a count, a frequency,
// a duration, "again", two dates) beside the pursuit, not a course counted from an allegation, from
// persistence inside one outing, or from repetition attached to something else.
describe('pursuit_repeated', () => {
  it.each([
    'a boy used to follow me to my coaching class daily',
    'The caretaker stalked her for one month.',
    'He turned up at her flat again.',
    'Her ex has followed her for some time and she is scared.',
    // a count in the next sentence, and "still" with the pursuit itself
    'He followed me home from the station. It has happened 5 times now.',
    'SUSP FOLLOWED IP FROM WORK. THIS IS THE 4TH TIME.',
    'He is still following me.',
    'He waited outside her office on 3 March. On 9 March he followed her to the car park.',
    'that old man kept clicking her photos at the bus stand, he has done it three times',
  ])('is set where the text says the pursuit recurred: %s', (text) => {
    expect(featuresOf(text).pursuit_repeated).toBe(1);
  });

  it.each([
    // one outing, however long it went on
    'two lads kept following me till i reached the station',
    'Two lads whistled and followed me for some time.',
    // a course by definition only (an allegation), with nothing counted
    'I think my ex is stalking me.',
    // repetition, but of violence, not pursuit
    'Her stepfather shouts at her and hits her at home, nearly every night, again and again.',
    // repetition of something else, in another part of the text or the very next sentence
    'A man followed me from the bus stop. I told my mum that night. I have taken the same bus every day for years.',
    'One evening a man followed me home. I am still shaking.',
    'A man followed me from the bus stop. This happens to women every day.',
    'My ex is stalking me. He hits me every night.',
    'MALE FOLLOWED IP FROM BUS STN. ANOTHER UNIT TO ATTEND.',
    // words that go on in the same sentence but are not about the pursuit
    'IP REPORTS MALE FOLLOWED HER FROM BUS STN TO HOME ADDRESS - UNITS STILL EN ROUTE',
    // a weekday and a date, or the report's day and the event's, for one outing
    'On Monday 3rd March SUSP followed IP home from work.',
    'This morning IP reported that last night SUSP followed her home.',
  ])('is not set otherwise: %s', (text) => {
    expect(featuresOf(text).pursuit_repeated).toBe(0);
  });

  it('raises the rules score of stated repeated following over an allegation of the same', () => {
    const alleged = analyse({ id: 'a', text: 'a man from the next block is stalking me' }, catalogue, scorer, rulesThresholds(scorer));
    const stated = analyse({ id: 'b', text: 'a man from the next block stalks me every day' }, catalogue, scorer, rulesThresholds(scorer));
    expect(alleged.features.course_of_conduct).toBe(1);
    expect(stated.result.stalking_score).toBeGreaterThan(alleged.result.stalking_score);
    expect(scorer.stalking.weights.pursuit_repeated ?? 0).toBeGreaterThan(0);
  });
});

describe('log_length', () => {
  const scoreOf = (text: string) => analyse({ id: 'l', text }, catalogue, scorer, rulesThresholds(scorer)).result;
  const evidence = 'Since we split he has turned up at my flat three times and keeps texting my sister.';
  // Unrelated background of the kind a long advice post carries, with no behaviour in it.
  const background = 'We bought the house in 2015 and the mortgage is in both names. The boiler needs replacing and the garden fence is down. ';

  it('is the log of the text length over 500 characters, floored at 50 characters', () => {
    expect(featuresOf('x'.repeat(500)).log_length).toBeCloseTo(0, 6);
    expect(featuresOf('x'.repeat(5000)).log_length).toBeCloseTo(Math.log(10), 6);
    expect(featuresOf('he followed me').log_length).toBeCloseTo(Math.log(50 / 500), 6);
  });

  it('gives the same evidence less weight in a long account than in a short one', () => {
    const short = scoreOf(evidence);
    const long = scoreOf(`${background.repeat(12)}${evidence}`);
    expect(long.indicators.filter((i) => i.category === 'behaviour').map((i) => i.code).sort()).toEqual(short.indicators.filter((i) => i.category === 'behaviour').map((i) => i.code).sort());
    expect(long.stalking_score).toBeLessThan(short.stalking_score);
    expect(scorer.stalking.weights.log_length ?? 0).toBeLessThan(0);
  });
});
