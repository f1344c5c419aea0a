// The words the text models read, exactly as scripts/train-text-model.py reads them at training
// time: runs of letters and digits, lower-cased, every ASCII digit as 0, without the words left to
// the rules (LEFT_TO_RULES); each word also as hashed
// character trigrams (so a typo or an unseen word still lands near its neighbours). A test checks
// this file against the parity fixture the training script writes (models/text-encoder/parity.json).

export const GRAMS = 8; // trigrams kept per word: the first and last four when there are more
export const BUCKETS = 16384; // trigram hash buckets; 0 is padding
export const NGRAM_BITS = 18; // hashed features of the linear n-gram model
export const PAD = 0;
export const UNK = 1;

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Words the text models never read, left to the rules: the "stalk" family. In the training text it is
 * mostly a trap (hard negatives use it loosely, about someone else, as a counter-allegation), while
 * real accounts say it more than anything else ("he has been stalking me since spring"): a model that reads it
 * learns the writers' habit, not the conduct. The rules read it in context. The training script holds
 * the same pattern, and each model's manifest names the one it was trained with.
 */
export const LEFT_TO_RULES = '(?:cyber)?stalk[a-z]*';
const LEFT_TO_RULES_RE = new RegExp(`^${LEFT_TO_RULES}$`);

export interface Token {
  /** The word as the models see it: lower case, digits as 0. */
  form: string;
  /** UTF-16 offsets into the original text. */
  start: number;
  end: number;
}

/** FNV-1a (32-bit) over the string's code points. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const ch of s) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function wordForm(token: string): string {
  return token.toLowerCase().replace(/[0-9]/g, '0');
}

export function tokenise(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const form = wordForm(m[0]);
    if (!LEFT_TO_RULES_RE.test(form)) out.push({ form, start: m.index, end: m.index + m[0].length });
  }
  return out;
}

function trigrams(form: string): string[] {
  const s = Array.from(`<${form}>`);
  const grams: string[] = [];
  for (let i = 0; i + 3 <= s.length; i++) grams.push(s[i]! + s[i + 1]! + s[i + 2]!);
  return grams.length > GRAMS ? [...grams.slice(0, GRAMS / 2), ...grams.slice(-GRAMS / 2)] : grams;
}

/** The word's trigram buckets, padded with 0 to GRAMS. */
export function trigramBuckets(form: string): number[] {
  const out = trigrams(form).map((g) => 1 + (fnv1a(g) % (BUCKETS - 1)));
  while (out.length < GRAMS) out.push(0);
  return out;
}

const NGRAM_MASK = (1 << NGRAM_BITS) - 1;

/** A word's own features in the linear model: its unigram, then its character trigrams. */
export function wordFeatures(form: string): number[] {
  const out = [fnv1a(`u:${form}`) & NGRAM_MASK];
  const s = Array.from(`<${form}>`);
  for (let j = 0; j + 3 <= s.length; j++) out.push(fnv1a(`c:${s[j]}${s[j + 1]}${s[j + 2]}`) & NGRAM_MASK);
  return out;
}

/** The bigram feature a word starts with the next. */
export function bigramFeature(form: string, next: string): number {
  return fnv1a(`b:${form} ${next}`) & NGRAM_MASK;
}

/** Hashed feature ids of the linear model, in the training script's order: per word its unigram, the bigram it starts, its trigrams. */
export function ngramFeatures(forms: readonly string[]): number[] {
  const out: number[] = [];
  forms.forEach((w, i) => {
    const own = wordFeatures(w);
    out.push(own[0]!);
    if (i + 1 < forms.length) out.push(bigramFeature(w, forms[i + 1]!));
    out.push(...own.slice(1));
  });
  return out;
}
