// ConText (Harkema et al. 2009, as in medspaCy): cues in a sentence modify the indicator
// mentions within their scope. Cues, directions, scopes, terminators and pseudo-triggers are
// data (catalogue/context.yaml); this module only applies them, and records which cue did what.
import type { CompiledCue } from '../rules/compile.ts';
import type { ContextFlags } from './types.ts';
import type { Hit, Mention } from './match.ts';
import { isSpace } from './normalise.ts';
import { rangeIndexAt, type Range } from './sentences.ts';

export interface CueHit {
  cue: CompiledCue;
  start: number;
  end: number;
}

const FLAG_OF: Record<string, keyof Omit<ContextFlags, 'cues' | 'quoted'>> = {
  NEGATED: 'negated',
  HYPOTHETICAL: 'hypothetical',
  HISTORICAL: 'historical',
  OTHER_EXPERIENCER: 'other_experiencer',
  PROXY: 'proxy',
  UNCERTAIN: 'uncertain',
  COUNTER_ALLEGATION: 'counter_allegation',
};

export function emptyContext(): ContextFlags {
  return {
    negated: false,
    hypothetical: false,
    historical: false,
    other_experiencer: false,
    proxy: false,
    uncertain: false,
    counter_allegation: false,
    quoted: false,
    cues: [],
  };
}

/** The cues that apply, from every cue match in the text: pseudo-triggers remove the cues they overlap. */
export function findCues(matches: Hit<CompiledCue>[]): CueHit[] {
  const hits: CueHit[] = matches.map((h) => ({ cue: h.owner, start: h.start, end: h.end }));
  const pseudo = hits.filter((h) => h.cue.category === 'PSEUDO');
  const live = hits.filter((h) => h.cue.category !== 'PSEUDO' && !pseudo.some((p) => p.start < h.end && h.start < p.end));
  // As in medspaCy, a cue inside a longer cue is part of it: the "not" of "not sure if" is
  // uncertainty, not negation, and its "if" is not a condition.
  const insideLonger = (h: CueHit) =>
    live.some((o) => o !== h && o.start <= h.start && h.end <= o.end && o.end - o.start > h.end - h.start);
  return live.filter((h) => !insideLonger(h)).sort((a, b) => a.start - b.start);
}

// A single-quoted message ('if you leave i'll kill you'): the opening quote follows a space,
// colon or bracket and precedes a word; apostrophes inside words (i'll, don't) do not close it.
const SINGLE_QUOTED = /(?<=^|[\s:([])'(?=[a-z0-9])(?:[^'\n]|'(?=[a-z0-9])){2,300}?'(?![a-z0-9])/g;

/** Spans inside double or single quotes: a suspect's message quoted in the narrative. */
export function quotedRegions(text: string): Range[] {
  const regions: Range[] = [];
  for (const m of text.matchAll(/"[^"\n]{2,600}"/g)) regions.push({ start: m.index, end: m.index + m[0].length });
  for (const m of text.matchAll(SINGLE_QUOTED)) {
    const region = { start: m.index, end: m.index + m[0].length };
    if (!regions.some((r) => r.start < region.end && region.start < r.end)) regions.push(region);
  }
  return regions;
}

/**
 * How many words (runs of non-space, as /\S+/ counts them) lie in text[from, to), in constant
 * time from a prefix count of word starts made once per text. (Counting by slicing made a long
 * text with few sentence breaks quadratic: every mention against every cue of its sentence.)
 */
export function wordCounter(text: string): (from: number, to: number) => number {
  const starts = new Int32Array(text.length + 1);
  let previousSpace = true;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    starts[i + 1] = starts[i]! + (!space && previousSpace ? 1 : 0);
    previousSpace = space;
  }
  return (from, to) => {
    if (to <= from) return 0;
    // Runs that start inside the range, plus one for a range that opens inside a run.
    const opensInRun = !isSpace(text.charCodeAt(from)) ? 1 : 0;
    return starts[to]! - starts[from + 1]! + opensInRun;
  };
}

/**
 * Context flags for each mention. A cue reaches a mention in its own sentence when it points
 * that way, is within max_scope words, and no terminator cue lies between them.
 */
export function applyContext(
  text: string,
  sentences: Range[],
  mentions: Mention[],
  cueHits: CueHit[],
  toSpan: (start: number, end: number) => { start: number; end: number; text: string },
): ContextFlags[] {
  const quotes = quotedRegions(text);
  // Made only when a cue and a mention share a sentence (most records have none).
  let counter: ReturnType<typeof wordCounter> | undefined;
  const wordsBetween = (from: number, to: number) => (counter ??= wordCounter(text))(from, to);
  const bySentence = new Map<number, CueHit[]>();
  for (const hit of cueHits) {
    const s = rangeIndexAt(sentences, hit.start);
    const list = bySentence.get(s) ?? [];
    list.push(hit);
    bySentence.set(s, list);
  }

  return mentions.map((mention) => {
    const flags = emptyContext();
    const quote = quotes.find((q) => q.start <= mention.start && mention.end <= q.end);
    flags.quoted = Boolean(quote);
    const hits = bySentence.get(rangeIndexAt(sentences, mention.start)) ?? [];
    const terminators = hits.filter((h) => h.cue.category === 'TERMINATE');

    for (const hit of hits) {
      const flag = FLAG_OF[hit.cue.category];
      if (!flag) continue;
      // A risk marker is about the suspect: his conduct towards others (another victim, a former
      // partner's DA reports) is risk to this victim, not someone else's evidence (DOMAIN §4.3).
      if (flag === 'other_experiencer' && mention.rule.category === 'risk') continue;
      // A cue that is part of the mention ("no one speaks", "threatened to kill") does not modify
      // it, except a cue saying whom it was aimed at ("messaging her sister", "followed another woman").
      const aimedAt = flag === 'proxy' || flag === 'other_experiencer';
      if (hit.start < mention.end && mention.start < hit.end) {
        if (aimedAt) {
          flags[flag] = true;
          flags.cues.push({ category: hit.cue.category, span: toSpan(hit.start, hit.end) });
        }
        continue;
      }
      // A condition inside a quoted threat ("if you leave I'll kill you") is the threat itself.
      if (quote && flag === 'hypothetical' && hit.start >= quote.start && hit.end <= quote.end) continue;
      const forward = hit.end <= mention.start;
      const allowed = hit.cue.direction === 'BIDIRECTIONAL' || (hit.cue.direction === 'FORWARD') === forward;
      if (!allowed) continue;
      const [from, to] = forward ? [hit.end, mention.start] : [mention.end, hit.start];
      if (wordsBetween(from, to) > hit.cue.max_scope) continue;
      const blocked = terminators.some(
        (t) => t.start >= from && t.end <= to && (!t.cue.terminates || t.cue.terminates.includes(hit.cue.category)),
      );
      if (blocked) continue;
      flags[flag] = true;
      flags.cues.push({ category: hit.cue.category, span: toSpan(hit.start, hit.end) });
    }
    // Aimed at the victim's circle counts as aimed at the victim (PHA s7; DOMAIN F1/F2).
    if (flags.proxy) flags.other_experiencer = false;
    return flags;
  });
}

/** Whether a mention is evidence of this victim's stalking by this suspect. */
export function counts(flags: ContextFlags): boolean {
  return !flags.negated && !flags.hypothetical && !flags.other_experiencer && !flags.counter_allegation;
}
