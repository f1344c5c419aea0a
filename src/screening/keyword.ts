// The keyword baseline: the plain free-text search a screening unit runs today
// (src/rules/keyword-baseline.yaml). It stands beside the screener in every evaluation, computed
// by the same harness, so a report always says whether the tool beats current practice.
// Score: 1 - 0.5^k for k distinct terms found, so records with more terms rank higher; one term
// flags the record (threshold 0.5). s4A: a stalking term and a fear or daily-life term.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Indicator, Screener, ScreeningRecord, ScreeningResult } from './types.ts';

export const KEYWORD_TERMS_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'rules', 'keyword-baseline.yaml');

const termsSchema = z.object({ version: z.string(), stalking: z.array(z.string().min(1)).min(1), s4a: z.array(z.string().min(1)).min(1) });
export type KeywordTerms = z.infer<typeof termsSchema>;

export function loadKeywordTerms(path = KEYWORD_TERMS_PATH): KeywordTerms {
  return termsSchema.parse(parse(readFileSync(path, 'utf8')));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One expression per term: case-insensitive, on word boundaries, a trailing * as any word ending. */
export function termPattern(term: string): RegExp {
  const wild = term.endsWith('*');
  const body = escape(wild ? term.slice(0, -1) : term).replace(/ /g, '\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}${wild ? '[\\p{L}\\p{N}]*' : '(?![\\p{L}\\p{N}])'}`, 'giu');
}

interface Found {
  term: string;
  start: number;
  end: number;
}

function find(patterns: { term: string; re: RegExp }[], text: string): Found[] {
  const found: Found[] = [];
  for (const { term, re } of patterns) {
    re.lastIndex = 0;
    const m = re.exec(text);
    if (m) found.push({ term, start: m.index, end: m.index + m[0].length });
  }
  return found.sort((a, b) => a.start - b.start);
}

const score = (k: number) => (k === 0 ? 0 : 1 - 0.5 ** k);

export function createKeywordScreener(terms: KeywordTerms = loadKeywordTerms()): Screener {
  const stalking = terms.stalking.map((term) => ({ term, re: termPattern(term) }));
  const s4a = terms.s4a.map((term) => ({ term, re: termPattern(term) }));
  const thresholds = { stalking: 0.5, s4a: 0.5 };
  const versions = { rules: `keyword-${terms.version}`, model: 'none', scorer: 'keyword-count' };
  return {
    thresholds,
    versions,
    async screen(record: ScreeningRecord): Promise<ScreeningResult> {
      const hits = find(stalking, record.text);
      const fear = hits.length ? find(s4a, record.text) : [];
      const indicator = (f: Found, code: string): Indicator => ({
        code,
        category: code === 'KEYWORD' ? 'behaviour' : 'impact',
        label: `Keyword "${f.term}"`,
        spans: [{ start: f.start, end: f.end, text: record.text.slice(f.start, f.end) }],
        source: 'rule',
        rule_id: `keyword:${f.term}`,
        weight: 1,
        reason: `the search term "${f.term}" occurs in the text`,
      });
      const stalkingScore = score(hits.length);
      const s4aScore = Math.min(stalkingScore, score(fear.length));
      const stalking_flag = stalkingScore >= thresholds.stalking;
      const s4a_flag = s4aScore >= thresholds.s4a;
      return {
        id: record.id,
        stalking_score: stalkingScore,
        stalking_flag,
        s4a_score: s4aScore,
        s4a_flag,
        risk_level: 'standard',
        flags: [...(stalking_flag ? (['MISSED_STALKING'] as const) : []), ...(s4a_flag ? (['POSSIBLE_S4A'] as const) : [])],
        indicators: [...hits.map((f) => indicator(f, 'KEYWORD')), ...fear.map((f) => indicator(f, 'KEYWORD_S4A'))],
        four: { fixated: 0, obsessive: 0, unwanted: 0, repeated: 0, codes: { fixated: [], obsessive: [], unwanted: [], repeated: [] } },
        course_of_conduct: { occasions_min: 0, evidence: [] },
        s4a: { limb_i: { occasions: 0, met: false, evidence: [] }, limb_ii: { met: false, evidence: [] }, ought_to_know: [], proposed: null },
        risk: { level: 'standard', markers: [] },
        recorded_as_class: null,
        digital_leads: [],
        notes: [],
        recommendation: stalking_flag ? `The keyword search finds ${hits.map((h) => `"${h.term}"`).join(', ')}.` : 'No search term found.',
        versions,
      };
    },
    async close() {},
  };
}
