// Matches the catalogue's patterns over the normalised text: rules, context cues and counting
// expressions together, in one pass (one tokenisation and one index walk instead of three).
import type { Catalogue, CompiledConduct, CompiledCue, CompiledRule } from '../rules/compile.ts';
import { PatternSet } from '../rules/patterns.ts';

/** One match of one pattern of an owner (a rule, a context cue or a counting expression). */
export interface Hit<T> {
  owner: T;
  /** Offsets into the normalised text. */
  start: number;
  end: number;
}

export interface Mention {
  rule: CompiledRule;
  /** Offsets into the normalised text. */
  start: number;
  end: number;
}

export interface CatalogueHits {
  rules: Hit<CompiledRule>[];
  cues: Hit<CompiledCue>[];
  conduct: Hit<CompiledConduct>[];
}

type Owner = CompiledRule | CompiledCue | CompiledConduct;
const RULE = 0;
const CUE = 1;
const CONDUCT = 2;
/** Per catalogue: all its owners in one list, and the kind of owner of each pattern (PatternSet.forOwners order). */
const combined = new WeakMap<Catalogue, { owners: Owner[]; kindOf: Uint8Array }>();

/** Every match of every pattern of the catalogue, by kind of owner. */
export function matchCatalogue(catalogue: Catalogue, text: string): CatalogueHits {
  let all = combined.get(catalogue);
  if (!all) {
    const groups = [[catalogue.rules, RULE], [catalogue.context, CUE], [catalogue.conduct, CONDUCT]] as const;
    const owners = groups.flatMap(([list]) => list as Owner[]);
    const kindOf = Uint8Array.from(groups.flatMap(([list, kind]) => (list as Owner[]).flatMap((o) => o.regexes.map(() => kind))));
    combined.set(catalogue, (all = { owners, kindOf }));
  }
  const { set, owner } = PatternSet.forOwners(all.owners);
  const out: CatalogueHits = { rules: [], cues: [], conduct: [] };
  for (const hit of set.matchAll(text)) {
    const found = { owner: owner[hit.pattern]!, start: hit.start, end: hit.end };
    const kind = all.kindOf[hit.pattern];
    if (kind === RULE) out.rules.push(found as Hit<CompiledRule>);
    else if (kind === CUE) out.cues.push(found as Hit<CompiledCue>);
    else out.conduct.push(found as Hit<CompiledConduct>);
  }
  return out;
}

/** Every match of the given owners' patterns alone (a rule's own examples, a test of some cues). */
export function matchOwners<T extends { regexes: RegExp[] }>(owners: T[], text: string): Hit<T>[] {
  const { set, owner } = PatternSet.forOwners(owners);
  return set.matchAll(text).map((h) => ({ owner: owner[h.pattern]!, start: h.start, end: h.end }));
}

/** Mentions from rule hits: per rule, overlapping matches of its patterns are merged into the longest. */
export function findMentions(hits: Hit<CompiledRule>[]): Mention[] {
  const byRule = new Map<CompiledRule, { start: number; end: number }[]>();
  for (const hit of hits) {
    const list = byRule.get(hit.owner);
    if (list) list.push(hit);
    else byRule.set(hit.owner, [hit]);
  }
  const mentions: Mention[] = [];
  for (const [rule, found] of byRule) {
    found.sort((a, b) => a.start - b.start || b.end - a.end);
    let current = found[0]!;
    for (const f of found.slice(1)) {
      if (f.start < current.end) current = { start: current.start, end: Math.max(current.end, f.end) };
      else {
        mentions.push({ rule, start: current.start, end: current.end });
        current = f;
      }
    }
    mentions.push({ rule, start: current.start, end: current.end });
  }
  return mentions.sort((a, b) => a.start - b.start || a.end - b.end);
}
