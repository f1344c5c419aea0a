// Police-text normalisation that never loses its way back to the original text.
//
// Control-room logs arrive in upper case with CRLF, odd punctuation and abbreviations
// (IP, SUSP, ex-p, x3, 2300hrs). Rules are written once against a plain lower-case form;
// every character of that form remembers the range of ORIGINAL characters it came from,
// so a match on the normalised text maps back to an exact span of what the officer wrote.

export interface Rewrite {
  /** Regular expression source matched against whole words of the lower-cased text. */
  match: string;
  /** Replacement; `$1` refers to the first capture group of `match`. */
  to: string;
  /** Skip the rewrite when the following text matches this (e.g. "ip" before "address"). */
  not_before?: string;
  /** Rewrite only when the following text matches this ("o/s" is "outside" before a place, not in "o/s rear tyre"). */
  only_before?: string;
}

export interface NormaliserData {
  rewrites: Rewrite[];
  /** Misspelling -> correct word, applied to whole words before fuzzy correction. */
  spellings: Record<string, string>;
  /** Words the rules use; a 6+ letter word one edit away from exactly one of them is corrected to it. */
  vocabulary: Iterable<string>;
  /** Real English words, never "corrected" (concerns is not a typo of concerts). */
  knownWords?: Set<string>;
}

export interface NormalisedText {
  original: string;
  text: string;
  /** For each UTF-16 unit of `text`, the original range [start, end) it came from. */
  origStart: Int32Array;
  origEnd: Int32Array;
}

const QUOTES: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u2033': '"', '`': "'" };
/** Quote and dash code units -> their plain ASCII form. */
const PUNCTUATION_MAP = new Map<number, number>([
  ...Object.entries(QUOTES).map(([from, to]) => [from.charCodeAt(0), to.charCodeAt(0)] as [number, number]),
  ...[0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212].map((c) => [c, 45] as [number, number]),
]);
const UTF16 = new TextDecoder('utf-16le');
const CONTEXTUAL = Symbol('contextual');
const PLUS = 43;
const AMPERSAND = 38;
const isAlnum = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
/** Characters a word may continue with: [a-z0-9'/+&-]. */
const isWordInner = (c: number) => isAlnum(c) || c === 39 || c === 47 || c === PLUS || c === AMPERSAND || c === 45;

type WordResult = string | null | typeof CONTEXTUAL;

/**
 * Per-word results cached across records, looked up by the word's characters. Direct-mapped: a
 * word takes the slot of whatever shared its hash, which bounds its size. (A Map keyed by a string
 * made per word took a quarter more of the normalising time.)
 */
class WordResultCache {
  private readonly words: (string | undefined)[];
  private readonly results: WordResult[];
  private readonly mask: number;
  constructor(size = 1 << 16) {
    this.words = new Array<string | undefined>(size).fill(undefined);
    this.results = new Array<WordResult>(size).fill(null);
    this.mask = size - 1;
  }
  /** The slot of the word whose code units are units[from, to). */
  find(units: Uint16Array, from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ units[i]!, 16777619);
    return (h ^ (h >>> 16)) & this.mask;
  }
  /** The cached result in a slot for the word text[from, to), or undefined. */
  lookup(slot: number, text: string, from: number, to: number): WordResult | undefined {
    const word = this.words[slot];
    return word !== undefined && word.length === to - from && text.startsWith(word, from) ? this.results[slot] : undefined;
  }
  store(slot: number, word: string, result: WordResult): void {
    this.words[slot] = word;
    this.results[slot] = result;
  }
}

/** White space as /\s/ sees it, without a regular expression per character. */
export function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 128) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Maps a normalised range back to the original text. */
export function toOriginal(n: NormalisedText, start: number, end: number): { start: number; end: number; text: string } {
  if (end <= start) end = start + 1;
  const s = n.origStart[Math.min(start, n.origStart.length - 1)] ?? 0;
  const e = n.origEnd[Math.min(end - 1, n.origEnd.length - 1)] ?? s;
  return { start: s, end: e, text: n.original.slice(s, e) };
}

/** Builds a normaliser: compiles the rewrite rules and the spelling index once. */
export function createNormaliser(data: NormaliserData): (text: string) => NormalisedText {
  const rewrites = data.rewrites.map((r) => ({
    re: new RegExp(`^(?:${r.match})$`),
    to: r.to,
    notBefore: r.not_before ? new RegExp(`^\\s*(?:${r.not_before})`) : null,
    onlyBefore: r.only_before ? new RegExp(`^\\s*(?:${r.only_before})`) : null,
  }));
  // Most words need no rewrite: one combined test first, the individual rules only on a hit.
  const anyRewrite = new RegExp(`^(?:${data.rewrites.map((r) => `(?:${r.match})`).join('|') || '(?!)'})$`);
  const spellings = new Map(Object.entries(data.spellings));
  const fuzzy = buildDeleteIndex(data.vocabulary, data.knownWords);

  // Word-level results that depend only on the word (spelling, fuzzy correction), cached across records.
  const wordCache = new WordResultCache();

  return function normalise(original: string): NormalisedText {
    const len = original.length;
    // Pass 1, per character: lower case, straight quotes, plain dashes, collapsed white space.
    // A run of white space that contains a line break becomes "\n" (a sentence boundary in logs).
    // Where lower-casing keeps the length (nearly always), whole segments are copied at once.
    const lowerAll = original.toLowerCase();
    const aligned = lowerAll.length === len;
    const units = new Uint16Array(len);
    const starts = new Int32Array(len + 1);
    const ends = new Int32Array(len + 1);
    let n = 0;
    for (let k = 0; k < len; ) {
      const code = original.charCodeAt(k);
      if (isSpace(code)) {
        let j = k;
        let newline = false;
        for (; j < len && isSpace(original.charCodeAt(j)); j++) if (original.charCodeAt(j) === 10 || original.charCodeAt(j) === 13) newline = true;
        units[n] = newline ? 10 : 32;
        starts[n] = k;
        ends[n] = j;
        n++;
        k = j;
        continue;
      }
      // Only '`' and non-ASCII quotes and dashes are mapped: most characters skip the lookup.
      let out = code < 96 || (code > 96 && code < 128) ? undefined : PUNCTUATION_MAP.get(code);
      if (out === undefined) {
        if (aligned) out = lowerAll.charCodeAt(k);
        else {
          const lower = original[k]!.toLowerCase();
          out = lower.length === 1 ? lower.charCodeAt(0) : code; // e.g. 'İ' lower-cases to two units: keep it
        }
      }
      units[n] = out;
      starts[n] = k;
      ends[n] = k + 1;
      n++;
      k++;
    }
    const lowered = UTF16.decode(units.subarray(0, n));

    // Pass 2, per word: abbreviations, spellings, fuzzy spelling correction. A word is what
    // /[a-z0-9][a-z0-9'/+&-]*[a-z0-9+]|[a-z0-9&]/ matches, found over the code units directly, and
    // its cached result is found by its characters: most words need nothing, and make no string.
    const edits: { at: number; length: number; to: string }[] = [];
    for (let i = 0; i < n; ) {
      const c = units[i]!;
      let end: number;
      if (isAlnum(c)) {
        let j = i + 1;
        end = i + 1;
        for (; j < n && isWordInner(units[j]!); j++) if (isAlnum(units[j]!) || units[j] === PLUS) end = j + 1;
      } else if (c === AMPERSAND) end = i + 1;
      else {
        i++;
        continue;
      }
      // A word an abbreviation rule matches depends on what follows it ("ip" before "address"), so
      // it is cached as CONTEXTUAL and rewritten each time; any other word's result is cached whole.
      const slot = wordCache.find(units, i, end);
      let replacement = wordCache.lookup(slot, lowered, i, end);
      if (replacement === undefined) {
        const token = lowered.slice(i, end);
        replacement = anyRewrite.test(token) ? CONTEXTUAL : rewriteToken(token, '', anyRewrite, rewrites, spellings, fuzzy);
        wordCache.store(slot, token, replacement);
      }
      if (replacement === CONTEXTUAL) {
        const following = lowered.slice(end, end + 24);
        replacement = rewriteToken(lowered.slice(i, end), following, anyRewrite, rewrites, spellings, fuzzy);
      }
      if (replacement !== null) edits.push({ at: i, length: end - i, to: replacement });
      i = end;
    }
    if (edits.length === 0) return { original, text: lowered, origStart: starts.slice(0, n), origEnd: ends.slice(0, n) };

    const outLength = n + edits.reduce((d, e) => d + e.to.length - e.length, 0);
    const origStart = new Int32Array(outLength);
    const origEnd = new Int32Array(outLength);
    const out: string[] = [];
    let from = 0;
    let pos = 0;
    for (const e of edits) {
      out.push(lowered.slice(from, e.at), e.to);
      origStart.set(starts.subarray(from, e.at), pos);
      origEnd.set(ends.subarray(from, e.at), pos);
      pos += e.at - from;
      // Every character of an expansion maps to the whole abbreviation it replaced.
      origStart.fill(starts[e.at]!, pos, pos + e.to.length);
      origEnd.fill(ends[e.at + e.length - 1]!, pos, pos + e.to.length);
      pos += e.to.length;
      from = e.at + e.length;
    }
    out.push(lowered.slice(from, n));
    origStart.set(starts.subarray(from, n), pos);
    origEnd.set(ends.subarray(from, n), pos);
    return { original, text: out.join(''), origStart, origEnd };
  };
}

type CompiledRewrite = { re: RegExp; to: string; notBefore: RegExp | null; onlyBefore: RegExp | null };

function rewriteToken(
  token: string,
  following: string,
  anyRewrite: RegExp,
  rewrites: CompiledRewrite[],
  spellings: Map<string, string>,
  fuzzy: SpellingIndex,
): string | null {
  if (anyRewrite.test(token)) {
    for (const r of rewrites) {
      if (r.re.test(token) && !(r.notBefore && r.notBefore.test(following)) && !(r.onlyBefore && !r.onlyBefore.test(following))) return token.replace(r.re, r.to);
    }
  }
  const spelled = spellings.get(token);
  if (spelled) return spelled;
  if (token.length < 6 || fuzzy.words.has(token) || !/^[a-z]+$/.test(token) || inflectionOfKnown(token, fuzzy.words)) return null;
  // Typos nearly always keep the first letter; requiring it keeps real words such as
  // "hollowed" from being "corrected" to "followed".
  const candidates = [token, ...deletions(token)];
  for (const c of candidates) {
    const hit = fuzzy.index.get(c);
    if (hit && hit[0] === token[0]) return hit;
  }
  return null;
}

/** Regular endings and what the stem may have lost to them ("banter|ed", "stabl(e)|ing", "snooz(e)|ed", "tr(y)|ied"). */
const ENDINGS: [string, string[]][] = [
  ['ings', ['', 'e']], ['ing', ['', 'e']], ['ied', ['y']], ['ies', ['y']], ['ers', ['', 'e']], ['er', ['', 'e']],
  ['ed', ['', 'e']], ['es', ['', 'e']], ['s', ['']], ['ly', ['', 'le']],
];

/**
 * A known word with a regular ending ("bantered", "stabling", "demeaned") is a real word the
 * known-word list does not hold in that form: it is left alone, not "corrected" to a rule word one
 * letter away ("battered", "stabbing", "demanded").
 */
function inflectionOfKnown(token: string, words: Set<string>): boolean {
  for (const [ending, restore] of ENDINGS) {
    if (!token.endsWith(ending)) continue;
    const stem = token.slice(0, -ending.length);
    if (stem.length < 3) continue;
    if (restore.some((r) => words.has(stem + r))) return true;
    // A doubled final consonant: "stopped" -> "stop".
    if (stem.length >= 4 && stem.at(-1) === stem.at(-2) && words.has(stem.slice(0, -1))) return true;
  }
  return false;
}

function* deletions(word: string): Generator<string> {
  for (let i = 0; i < word.length; i++) yield word.slice(0, i) + word.slice(i + 1);
}

interface SpellingIndex {
  words: Set<string>;
  /** A word or one of its one-letter deletions -> the word; null where two words share it. */
  index: Map<string, string | null>;
}

/**
 * Symmetric-delete spelling index (as in SymSpell): finds substitutions, insertions,
 * deletions and most transpositions at distance 1 with hash look-ups instead of a scan.
 */
function buildDeleteIndex(vocabulary: Iterable<string>, knownWords: Set<string> = new Set()): SpellingIndex {
  const words = new Set<string>(knownWords);
  for (const w of vocabulary) if (w.length >= 6 && /^[a-z]+$/.test(w)) words.add(w);
  const index = new Map<string, string | null>();
  // Only the rules' own words are correction targets; known words merely stay as they are.
  for (const w of vocabulary) {
    if (w.length < 6 || !/^[a-z]+$/.test(w)) continue;
    for (const d of [w, ...deletions(w)]) {
      const prev = index.get(d);
      index.set(d, prev === undefined || prev === w ? w : null);
    }
  }
  return { words, index };
}

const normaliserCache = new WeakMap<object, (text: string) => NormalisedText>();

/** The normaliser for a catalogue (its rewrites, spellings and vocabulary), built once. */
export function normaliserFor(catalogue: NormaliserData & object): (text: string) => NormalisedText {
  let n = normaliserCache.get(catalogue);
  if (!n) {
    n = createNormaliser(catalogue);
    normaliserCache.set(catalogue, n);
  }
  return n;
}
