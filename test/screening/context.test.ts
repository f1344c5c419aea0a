// ConText on the real pipeline. Every context test in the catalogue (context_examples.yaml) is
// screened by analyse(); each flag it lists must hold on every mention of its code. Then a few
// whole-record behaviours: what a flag does to the screening of a record.
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/rules/compile.ts';
import { findCues, quotedRegions, wordCounter } from '../../src/screening/context.ts';
import { matchOwners } from '../../src/screening/match.ts';
import { normaliserFor } from '../../src/screening/normalise.ts';
import { analyse } from '../../src/screening/pipeline.ts';
import { loadScorer } from '../../src/screening/score.ts';
import type { ContextFlags, Indicator } from '../../src/screening/types.ts';

const catalogue = loadCatalogue();
const scorer = loadScorer();
const thresholds = { stalking: scorer.stalking.threshold, s4a: scorer.s4a.threshold };
const normalise = normaliserFor(catalogue);
const screen = (text: string) => analyse({ id: 'context-test', text }, catalogue, scorer, thresholds);

const FLAGS = ['negated', 'hypothetical', 'historical', 'other_experiencer', 'proxy', 'uncertain', 'counter_allegation', 'quoted'] as const;

const describeMention = (i: Indicator) => {
  const c = i.context!;
  const on = FLAGS.filter((f) => c[f]).join(',') || 'none';
  const cues = c.cues.map((q) => `${q.category}:"${q.span.text}"`).join(' ');
  return `${i.code} "${i.spans[0]!.text}" flags=${on} cues=${cues}`;
};

describe('context tests from the catalogue', () => {
  const tests = catalogue.contextTests;

  it('every test names a known flag', () => {
    const unknown = tests.flatMap((t) => Object.keys(t.expect).filter((k) => !(FLAGS as readonly string[]).includes(k)));
    expect(unknown).toEqual([]);
  });

  it.each(FLAGS.map((f) => [f]))('has at least 10 tests where %s holds', (flag) => {
    expect(tests.filter((t) => t.expect[flag] === true).length).toBeGreaterThanOrEqual(10);
  });

  it('has at least 10 negative controls: a negation word that must not negate', () => {
    const negationWord = /\b(?:no|not|never|nobody|nothing|won't|can't|cannot|don't|doesn't|didn't|hasn't|haven't|isn't|wasn't)\b|n't\b/i;
    const controls = tests.filter((t) => t.expect.negated === false && negationWord.test(t.text));
    expect(controls.length).toBeGreaterThanOrEqual(10);
  });

  it.each(tests.map((t) => [`${t.code} ${JSON.stringify(t.expect)}: ${t.text}`, t] as const))('%s', (_name, t) => {
    const { result } = screen(t.text);
    const mentions = result.indicators.filter((i) => i.code === t.code);
    const found = result.indicators.map(describeMention).join('\n  ');
    expect(mentions.length, `no ${t.code} in: ${normalise(t.text).text}\n  found:\n  ${found}`).toBeGreaterThan(0);
    for (const m of mentions) {
      for (const [flag, want] of Object.entries(t.expect)) {
        expect(m.context![flag as keyof Omit<ContextFlags, 'cues'>], `${flag} on ${describeMention(m)}\n  normalised: ${normalise(t.text).text}`).toBe(want);
      }
    }
  });
});

describe('cue resolution', () => {
  const cuesIn = (text: string) => findCues(matchOwners(catalogue.context, normalise(text).text)).map((h) => h.cue.category);

  it('keeps the longest of nested cues: "not sure if" is uncertainty, not negation or a condition', () => {
    const cats = cuesIn('She is not sure if it was him.');
    expect(cats).toContain('UNCERTAIN');
    expect(cats).not.toContain('NEGATED');
    expect(cats).not.toContain('HYPOTHETICAL');
  });

  it('lets a pseudo-trigger cancel what it overlaps: "told him not to", "won\'t stop"', () => {
    expect(cuesIn('Told him not to contact her.')).not.toContain('NEGATED');
    expect(cuesIn("He won't stop calling.")).not.toContain('NEGATED');
  });

  it('finds single-quoted messages without closing on an apostrophe', () => {
    const text = normalise("TEXT READ 'IF YOU LEAVE I'LL KILL YOU' AT 0200HRS").text;
    const [q] = quotedRegions(text);
    expect(q && text.slice(q.start, q.end)).toBe("'if you leave i'll kill you'");
    expect(quotedRegions(normalise("He's at the kids' school and won't leave.").text)).toEqual([]);
  });
});

describe('what context does to a record', () => {
  const behaviours = (text: string) => screen(text).result.indicators.filter((i) => i.category === 'behaviour');
  const counted = (i: Indicator) => {
    const c = i.context!;
    return !c.negated && !c.hypothetical && !c.other_experiencer && !c.counter_allegation;
  };

  it('does not flag a record whose only behaviour is negated', () => {
    const text = 'IP reports SUSP has not followed her home, has not turned up at her work and has not sent any messages since the RO was served. She is happy with the police response.';
    const found = behaviours(text);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((i) => i.context!.negated)).toBe(true);
    const { result, features } = screen(text);
    expect(result.stalking_flag).toBe(false);
    expect(result.course_of_conduct.occasions_min).toBeLessThan(2);
    expect(features.discounted_only).toBe(1);
  });

  it('does not flag a record whose only behaviour is feared or conditional', () => {
    const text = 'She is worried he might follow her home from work. Advised to call 999 if he turns up at her address.';
    const found = behaviours(text);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((i) => i.context!.hypothetical)).toBe(true);
    expect(screen(text).result.stalking_flag).toBe(false);
  });

  it('scores the same conduct lower when it is negated than when it is reported', () => {
    const reported = 'He has followed her home from work and turned up at her address. He has sent her 60 messages this week.';
    const denied = 'He denies following her home from work or turning up at her address. He has not sent her any messages this week.';
    expect(screen(denied).result.stalking_score).toBeLessThan(screen(reported).result.stalking_score);
  });

  it('does not count conduct aimed at someone outside her circle', () => {
    const found = behaviours('SUSP has also been sending another woman 30 messages a day.');
    expect(found.length).toBeGreaterThan(0);
    expect(found.some(counted)).toBe(false);
  });

  it('counts conduct aimed at her family and friends (PHA s7)', () => {
    const found = behaviours('He keeps messaging her sister asking where she lives now. His friend keeps coming into her shop asking about her.');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((i) => i.context!.proxy && counted(i))).toBe(true);
  });

  it("shows the suspect's counter-allegation but does not score it for the victim", () => {
    const text = 'SUSP RANG IN ALLEGING IP IS HARASSING HIM AND HAS SENT HIM 50 MSGS.';
    const { result } = screen(text);
    const alleged = result.indicators.filter((i) => i.context?.counter_allegation);
    expect(alleged.length).toBeGreaterThan(0);
    expect(alleged.some(counted)).toBe(false);
    expect(result.stalking_flag).toBe(false);
  });

  it('counts historical conduct towards a course of conduct', () => {
    const text = 'In 2021 he followed her home from the gym. Last night he turned up at her work.';
    const found = behaviours(text);
    expect(found.some((i) => i.context!.historical && counted(i))).toBe(true);
    expect(screen(text).result.course_of_conduct.occasions_min).toBeGreaterThanOrEqual(2);
  });

  it('keeps a quoted threat a threat', () => {
    const found = screen("Text read 'if you leave me I will kill you'.").result.indicators.filter((i) => i.context!.quoted);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((i) => !i.context!.hypothetical && counted(i))).toBe(true);
  });

  it('weighs conduct the victim is unsure about less, but still counts it', () => {
    const sure = screen('He has slashed her tyres and put a tracker on her car.');
    const unsure = screen('She believes it may have been him who slashed her tyres and put a tracker on her car.');
    const found = unsure.result.indicators.filter((i) => i.category === 'behaviour');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((i) => i.context!.uncertain && counted(i))).toBe(true);
    expect(unsure.features.behaviour_weight).toBeLessThan(sure.features.behaviour_weight);
  });
});

describe('word counting for cue scope', () => {
  it('counts the words in any range as a scan of the slice would, without scanning', () => {
    // Seeded texts of words, runs of spaces, line breaks and non-breaking spaces; every range.
    let seed = 20261207;
    const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pieces = ['he', 'was', 'at', 'her', 'door,', 'again.', ' ', '  ', '\n', '\u00a0', "o'clock", '-'];
    for (let t = 0; t < 20; t++) {
      const text = Array.from({ length: 40 }, () => pieces[Math.floor(next() * pieces.length)]).join(next() < 0.5 ? ' ' : '');
      const count = wordCounter(text);
      for (let from = 0; from <= text.length; from++) {
        for (let to = from; to <= text.length; to++) {
          expect(count(from, to), `${JSON.stringify(text)} [${from}, ${to})`).toBe((text.slice(from, to).match(/\S+/g) ?? []).length);
        }
      }
    }
  });

  it('in a long record with no sentence breaks, a cue reaches a mention near it and not one far from it', () => {
    const filler = 'and then the bus came and went '.repeat(400); // about 12 KB, one sentence
    const near = analyse({ id: 'long-near', text: `${filler} he did not follow me ${filler}` }, catalogue, scorer, thresholds);
    expect(near.result.indicators.find((i) => i.code === 'C1')?.context?.negated).toBe(true);
    const far = analyse({ id: 'long-far', text: `${filler} he did not say a word ${'and then the bus came '.repeat(20)} he followed me home ${filler}` }, catalogue, scorer, thresholds);
    expect(far.result.indicators.find((i) => i.code === 'C1')?.context?.negated).toBe(false);
  });
});
