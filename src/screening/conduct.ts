// Course of conduct: the smallest number of separate occasions the text supports (DOMAIN §1.2),
// with the spans that justify it. Counting expressions are data (catalogue/conduct.yaml).
import type { CompiledConduct } from '../rules/compile.ts';
import type { Hit } from './match.ts';
import type { CourseOfConduct, EvidenceItem, Span } from './types.ts';
import { rangeIndexAt, type Range } from './sentences.ts';

/** DOMAIN §2 codes of pursuit: contact (A), online (B), presence (C), monitoring (D), gifts (E), others used (F), breaches (L), covert monitoring (N), allegations (P1). */
export const PURSUIT_CODE = /^(?:[ABCDEFLN]\d|P1)$/;
/** The rule of a plain stalking allegation ("he is stalking me"), as distinct from harassment or "won't leave me alone". */
export const STALKING_ALLEGATION = 'P1.stalking-allegation';

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
  eighteen: 18, nineteen: 19, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70,
  eighty: 80, ninety: 90, hundred: 100, 'a hundred': 100, 'a couple': 2, 'a couple of': 2, couple: 2, twice: 2, thrice: 3,
  'a few': 3, few: 3, several: 3, numerous: 3, multiple: 3, many: 3, 'a dozen': 12, 'dozens of': 24,
  'hundreds of': 200, both: 2, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, fifth: 5,
  '5th': 5, sixth: 6, '6th': 6, nth: 3, umpteenth: 3,
};

// One expression for every number word, longest first so "a couple of" wins over "a couple".
const NUMBER_WORD = new RegExp(
  `(?<![a-z])(?:${Object.keys(NUMBER_WORDS).sort((a, b) => b.length - a.length).join('|')})(?![a-z])`,
);

/** The first number a counting expression states ("three occasions" -> 3, "x5" -> 5). */
export function countIn(text: string): number | null {
  const digits = text.match(/\d{1,4}/);
  if (digits) return Number(digits[0]);
  const word = NUMBER_WORD.exec(text);
  return word ? NUMBER_WORDS[word[0]]! : null;
}

export interface CountedMention {
  code: string;
  start: number;
  end: number;
  /** The rule that found it, where known (an ongoing allegation must lie inside a stalking allegation). */
  rule?: string;
}

/**
 * @param behaviours behaviour mentions that count (not negated, hypothetical, other experiencer or counter-allegation)
 */
export function courseOfConduct(
  text: string,
  sentences: Range[],
  counting: Hit<CompiledConduct>[],
  behaviours: CountedMention[],
  toSpan: (start: number, end: number) => Span,
  kindsNotCounted: ReadonlySet<string> = new Set(),
): { course: CourseOfConduct; repeatedSentences: Set<number>; pursuitRepeated: boolean; allegedOngoing: boolean } {
  const evidence: EvidenceItem[] = [];
  /** Sentences whose own wording says the behaviour recurred (used for fear "every time"). */
  const repeatedSentences = new Set<number>();
  const behaviourSentences = new Set(behaviours.map((b) => rangeIndexAt(sentences, b.start)));
  // A count may sit in the sentence after the behaviour: "He waits outside her work. This has happened x4."
  const countable = new Set([...behaviourSentences].flatMap((s) => [s, s + 1]));
  const dates = new Map<string, Span>();
  /** Sentences with pursuit that carry a date: a weekday and a date for one outing are one sentence. */
  const pursuitDateSentences = new Set<number>();
  // Persistence that may lie inside one outing ("he kept following me"), held apart until we know
  // whether the text tells of one outing only.
  const withinEpisode: EvidenceItem[] = [];
  const episodes: { sentence: number; covers: number }[] = [];
  // Whether the text itself states that pursuit recurred: a count, a frequency, a duration or "again" in
  // the sentence of a pursuit behaviour, or dates in two sentences that each tell of pursuit. Not an
  // allegation counted as a course by definition, not persistence that may lie inside one outing, not
  // several kinds told apart. A story of one frightening outing and a long account of repeated violence
  // both reach two occasions by those other routes; the terse "a boy used to follow me daily" reaches it
  // by this one. The pursuit's own sentence, and the next only for a count: it is as often about
  // something else ("I am still shaking", "he hits me every night", "another unit to attend").
  const pursuitSentences = new Set(behaviours.filter((b) => PURSUIT_CODE.test(b.code)).map((b) => rangeIndexAt(sentences, b.start)));
  let pursuitRepeated = false;
  /** Stalking alleged as going on (conduct.yaml alleges_stalking), inside a counted stalking allegation. */
  let alleged = false;
  const allegations = behaviours.filter((b) => b.rule === STALKING_ALLEGATION);

  for (const hit of counting) {
    const rule = hit.owner;
    if (rule.kind === 'episode') {
      episodes.push({ sentence: rangeIndexAt(sentences, hit.start), covers: rule.covers });
      continue;
    }
    const sentence = rangeIndexAt(sentences, hit.start);
    if (!countable.has(sentence)) continue;
    const matched = text.slice(hit.start, hit.end);
    const span = toSpan(hit.start, hit.end);
    if (rule.kind === 'date') {
      if (!behaviourSentences.has(sentence)) continue; // a date is an occasion only beside the behaviour
      dates.set(matched.replace(/^(?:on|last|this|next) /, ''), span);
      if (pursuitSentences.has(sentence)) pursuitDateSentences.add(sentence);
      continue;
    }
    let occasions = rule.occasions === 'count' ? (countIn(matched) ?? 1) : rule.occasions;
    if (rule.cap) occasions = Math.min(occasions, rule.cap);
    if (occasions < 2) continue;
    repeatedSentences.add(sentence);
    (rule.within_one_episode ? withinEpisode : evidence).push({ reason: rule.reason, span, occasions });
    // An explicit count may follow in the next sentence ("He followed me home. It has happened 5 times now.",
    // "THIS IS THE 4TH TIME"); a frequency word there is as often about something else.
    const besidePursuit = pursuitSentences.has(sentence) || (rule.kind === 'explicit_count' && pursuitSentences.has(sentence - 1));
    if (!rule.within_one_episode && rule.states_recurrence && besidePursuit) pursuitRepeated = true;
    if (rule.alleges_stalking && allegations.some((a) => a.start < hit.end && hit.start < a.end)) alleged = true;
  }

  if (pursuitDateSentences.size >= 2) pursuitRepeated = true;
  if (dates.size >= 2) {
    for (const span of dates.values()) evidence.push({ reason: 'a separate dated event with behaviour', span, occasions: dates.size });
  }
  // A story of one outing ("one evening a man kept following me, staring and commenting") is one
  // occasion, however long it went on and however many kinds of behaviour it held, unless
  // something else in the text counts across days. Only when every behaviour is told within the
  // outing (its sentence or the ones after it the frame covers): "he follows me home. The other day
  // he waited at my gate" tells of more than the other day.
  const inOuting = (s: number) => episodes.some((e) => s >= e.sentence && s <= e.sentence + e.covers);
  // Abuse or an assault told after the outing ("He then pushed me") is part of it: where other kinds
  // are told, only their sentences must lie within the outing.
  const kinds = behaviours.filter((b) => !kindsNotCounted.has(b.code));
  const kindSentences = new Set(kinds.map((b) => rangeIndexAt(sentences, b.start)));
  const framed = kindSentences.size > 0 ? kindSentences : behaviourSentences;
  const singleOuting = episodes.length > 0 && [...framed].every(inOuting) && evidence.length === 0;
  if (!singleOuting) evidence.push(...withinEpisode);

  // Different kinds of behaviour told in different sentences are, at the least, two occasions; but
  // not the kinds that come with one incident as often as not (conduct.yaml kinds_not_counted).
  const codesBySentence = new Map<string, Set<number>>();
  for (const b of kinds) {
    const set = codesBySentence.get(b.code) ?? new Set<number>();
    set.add(rangeIndexAt(sentences, b.start));
    codesBySentence.set(b.code, set);
  }
  if (!singleOuting && codesBySentence.size >= 2 && kindSentences.size >= 2) {
    const firstOfEach = [...codesBySentence.keys()].map((code) => kinds.find((b) => b.code === code)!);
    for (const b of firstOfEach.slice(0, 4)) {
      evidence.push({ reason: `several kinds of stalking behaviour (${[...codesBySentence.keys()].join(', ')})`, span: toSpan(b.start, b.end), occasions: 2 });
    }
  }

  const occasions_min = Math.max(behaviours.length > 0 ? 1 : 0, ...evidence.map((e) => e.occasions ?? 0));
  evidence.sort((a, b) => (b.occasions ?? 0) - (a.occasions ?? 0) || a.span.start - b.span.start);
  return { course: { occasions_min, evidence }, repeatedSentences, pursuitRepeated, allegedOngoing: alleged && !singleOuting };
}
