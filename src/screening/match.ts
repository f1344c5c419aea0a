// Runs every compiled rule over the normalised text and returns raw mentions.
import type { CompiledRule } from '../rules/compile.ts';
import { PatternSet } from '../rules/patterns.ts';

export interface Mention {
  rule: CompiledRule;
  /** Offsets into the normalised text. */
  start: number;
  end: number;
}

/** All mentions of all rules; per rule, overlapping matches of its patterns are merged into the longest. */
export function findMentions(rules: CompiledRule[], text: string): Mention[] {
  const { set, owner } = PatternSet.forOwners(rules);
  const byRule = new Map<CompiledRule, { start: number; end: number }[]>();
  for (const hit of set.matchAll(text)) {
    const rule = owner[hit.pattern]!;
    const list = byRule.get(rule);
    if (list) list.push(hit);
    else byRule.set(rule, [hit]);
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
