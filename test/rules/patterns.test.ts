// The indexed matcher must find exactly what plain String.matchAll finds with each pattern.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/rules/compile.ts';
import { PatternSet } from '../../src/rules/patterns.ts';
import { matchCatalogue, matchOwners } from '../../src/screening/match.ts';
import { normaliserFor } from '../../src/screening/normalise.ts';

const catalogue = loadCatalogue();
const normalise = normaliserFor(catalogue);

function naive(regexes: RegExp[], text: string) {
  return regexes
    .flatMap((re, k) => [...text.matchAll(new RegExp(re.source, 'g'))].filter((m) => m[0].length).map((m) => `${k}:${m.index}:${m.index + m[0].length}`))
    .sort();
}

describe('PatternSet', () => {
  const synthetic = readFileSync(join(import.meta.dirname, '..', '..', 'datasets', 'synthetic', 'dev.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, 150)
    .map((l) => JSON.parse(l).text as string);
  const goldDev = readFileSync(join(import.meta.dirname, '..', '..', 'datasets', 'gold', 'dev.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).text as string);
  const examples = catalogue.rules.flatMap((r) => [...r.must_match, ...r.must_not_match]);
  // Where a word index could go wrong: apostrophes before and after words, hyphens, digits glued to
  // words, repeated phrases, a pattern's words split across lines.
  const awkward = [
    "he's been texting her'again 'he keeps calling her' victim's sister's ex-partner's",
    'EX-P CALLED X40 SINCE 2300HRS, CALLED AGAIN 0100HRS; 3x AT HER WORK; 10+ MSGS',
    'he keeps calling her he keeps calling her he keeps calling her he keeps calling her',
    "she's scared he'll kill her'' he said 'i'll find you' -- he turned up at her work again",
    'he\nfollowed her\nhome again and again and waited outside her house every night',
    'he has then once again been seen outside her house; she has kept on calling him; they were later seen',
    'he emailed jo.bloggs@example.co.uk from @jo_b99 and rang 07700 900123 from his car ab12 cde',
  ];
  // One long text too: thousands of proposed starts, past the matcher's first candidate buffer.
  const long = synthetic.slice(0, 15).join('\n');
  const texts = [...synthetic, ...goldDev, ...examples, ...awkward, long].map((t) => normalise(t).text);

  it.each([
    ['rules', catalogue.rules],
    ['context cues', catalogue.context],
    ['conduct expressions', catalogue.conduct],
  ] as const)('finds the same matches as a full scan for the %s', (_name, owners) => {
    const regexes = owners.flatMap((o) => o.regexes);
    const set = new PatternSet(regexes.map((r) => r.source));
    let compared = 0;
    for (const text of texts) {
      const indexed = set.matchAll(text).map((h) => `${h.pattern}:${h.start}:${h.end}`).sort();
      expect(indexed, text).toEqual(naive(regexes, text));
      compared += indexed.length;
    }
    expect(compared).toBeGreaterThan(100);
  }, 120_000);

  it('matches the whole catalogue in one pass exactly as each kind of pattern alone', () => {
    const key = (hits: { owner: { id: string }; start: number; end: number }[]) => hits.map((h) => `${h.owner.id}:${h.start}:${h.end}`).sort();
    let compared = 0;
    for (const text of texts) {
      const all = matchCatalogue(catalogue, text);
      expect(key(all.rules), text).toEqual(key(matchOwners(catalogue.rules, text)));
      expect(key(all.cues), text).toEqual(key(matchOwners(catalogue.context, text)));
      expect(key(all.conduct), text).toEqual(key(matchOwners(catalogue.conduct, text)));
      compared += all.rules.length + all.cues.length + all.conduct.length;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  // Required words let the matcher skip patterns whose words are not in the text. They must never skip a real match.
  it('skips a pattern only when the text lacks its required words', () => {
    const sources = [
      'he (?:has |then |once again ){0,3}(?:called|rang) her|she (?:has ){0,3}texted him',
      'foo(?:bar ){0,2}baz',
      '(?:kept|keeps) (?:on )?(?:ringing|calling)',
    ];
    const set = new PatternSet(sources);
    const cases = [
      'he has then called her',
      'he once again rang her',
      'she texted him twice',
      'she has has texted him',
      'he texted him', // neither branch
      'he has then once again called', // no object
      'foobaz and foobar baz and foobar bar baz',
      'kept calling, keeps on ringing',
    ];
    for (const text of cases) {
      expect(set.matchAll(text).map((h) => `${h.pattern}:${h.start}:${h.end}`).sort(), text).toEqual(naive(sources.map((s) => new RegExp(s)), text));
    }
    expect(set.matchAll('he texted him')).toEqual([]);
    expect(set.matchAll('foobaz').map((h) => h.pattern)).toEqual([1]);
  });

  // A pattern that cannot consume a clause end (. ! ? ; or a line break) needs its words in the
  // clause where it starts; one that can (a class or a literal that takes '.') needs them anywhere.
  it('looks for required words in the start\'s clause only when no match can span a clause end', () => {
    const sources = [
      'he (?:[a-z]+ ){0,3}(?:called|rang) her', // stays in its clause
      'he (?:[^!?]+ ){0,3}(?:called|rang) her', // [^!?] takes '.', ';' and line breaks
      'he (?:[a-z]+ ){0,3}(?:called\\. |rang\\n)her', // its literals hold clause ends
      'told (?:him )?to stop', // stays in its clause
    ];
    const set = new PatternSet(sources);
    const cases = [
      'he then called her', // all in one clause: 0 and 1 match
      'he left. called her later', // 0 cannot match across the full stop; 1 can
      'he left; rang her', // 0 cannot, 1 can
      'he left\nrang her',
      'he called. her', // 2 only
      'he rang\nher. he rang her',
      'he left. she told him to stop. he called her! he then rang her? told to stop',
      'told him. to stop', // the words are there, in two clauses
    ];
    for (const text of cases) {
      expect(set.matchAll(text).map((h) => `${h.pattern}:${h.start}:${h.end}`).sort(), text).toEqual(naive(sources.map((s) => new RegExp(s)), text));
    }
    expect(set.matchAll('he left. called her later').map((h) => h.pattern)).toEqual([1]);
    expect(set.matchAll('he called. her').map((h) => h.pattern)).toEqual([2]);
  });

  it('indexes by first words and falls back to a scan only for patterns it cannot index', () => {
    const set = new PatternSet(['(?:wants|want) (?:a |the )?(?:panic alarm|alarm)', '[a-z]+@[a-z]+\\.com', '\\d+ calls']);
    expect(set.unindexed).toBe(1);
    expect(set.matchAll('i want a panic alarm').map((h) => h.pattern)).toEqual([0]);
    expect(set.matchAll('mail bob@example.com now').map((h) => h.pattern)).toEqual([1]);
    expect(set.matchAll('40 calls today').map((h) => [h.start, h.end])).toEqual([[0, 8]]);
  });
});
