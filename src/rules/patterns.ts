// Many regular expressions over one text, fast.
//
// A backtracking engine costs (patterns x positions): hundreds of catalogue patterns tried at
// every character of a 1.5 KB narrative is milliseconds per record. Instead, each pattern's
// possible FIRST WORDS are worked out once from its source (a small parser for the regex subset
// the catalogue uses). At run time the text is split into words once, each word start is looked
// up in a prefix index, and only the patterns that can start there are tried, anchored (sticky)
// at that position. Patterns whose start cannot be known (rare) fall back to a full scan.

type Node =
  | { t: 'lit'; s: string }
  | { t: 'any'; src: string } // a class, wildcard or escape that is not a digit (src: its own source)
  | { t: 'digit' }
  | { t: 'assert' } // anchors, boundaries and look-arounds: match empty
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; branches: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number };

/** Parses the subset of JavaScript regular expressions the catalogue uses into a tiny AST. */
function parse(src: string): Node {
  let i = 0;
  const parseAlt = (): Node => {
    const branches: Node[] = [parseSeq()];
    while (src[i] === '|') {
      i++;
      branches.push(parseSeq());
    }
    return branches.length === 1 ? branches[0]! : { t: 'alt', branches };
  };
  const parseSeq = (): Node => {
    const items: Node[] = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      let atom = parseAtom();
      // quantifiers
      const q = src.slice(i).match(/^(?:\*|\+|\?|\{(\d+)(?:,(\d*))?\})\??/);
      if (q) {
        i += q[0].length;
        const min = q[0][0] === '*' || q[0][0] === '?' ? 0 : q[0][0] === '+' ? 1 : Number(q[1]);
        const max = q[0][0] === '?' ? 1 : q[0][0] === '{' ? (q[2] === undefined ? min : q[2] === '' ? Infinity : Number(q[2])) : Infinity;
        atom = { t: 'rep', node: atom, min, max };
      }
      items.push(atom);
    }
    return { t: 'seq', items };
  };
  const parseAtom = (): Node => {
    const c = src[i]!;
    if (c === '(') {
      i++;
      let lookaround = false;
      if (src[i] === '?') {
        if (src[i + 1] === ':') i += 2;
        else if (src[i + 1] === '=' || src[i + 1] === '!') {
          i += 2;
          lookaround = true;
        } else if (src[i + 1] === '<' && (src[i + 2] === '=' || src[i + 2] === '!')) {
          i += 3;
          lookaround = true;
        }
        else if (src[i + 1] === '<') i = src.indexOf('>', i) + 1; // named group
      }
      const inner = parseAlt();
      i++; // ')'
      return lookaround ? { t: 'assert' } : inner;
    }
    if (c === '[') {
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      const body = src.slice(i, j + 1);
      i = j + 1;
      return /^\[[0-9-]+\]$/.test(body) ? { t: 'digit' } : { t: 'any', src: body };
    }
    if (c === '\\') {
      const e = src[i + 1]!;
      i += 2;
      if (e === 'd') return { t: 'digit' };
      if (e === 'b' || e === 'B') return { t: 'assert' };
      if (/[sSwWD]/.test(e)) return { t: 'any', src: `\\${e}` };
      if (e === 'u' || e === 'x') {
        i += e === 'u' ? 4 : 2;
        return { t: 'any', src: src.slice(i - (e === 'u' ? 6 : 4), i) };
      }
      return { t: 'lit', s: e === 'n' ? '\n' : e === 't' ? '\t' : e };
    }
    i++;
    if (c === '.') return { t: 'any', src: '.' };
    if (c === '^' || c === '$') return { t: 'assert' };
    return { t: 'lit', s: c };
  };
  const node = parseAlt();
  if (i < src.length) throw new Error(`unbalanced pattern at ${i}: ${src}`);
  return node;
}

const DIGIT = '\u0000';
const CAP = 128;

/** The finite set of strings a node matches, or null when it is open-ended (classes, repeats). */
function literals(node: Node): Set<string> | null {
  switch (node.t) {
    case 'lit':
      return new Set([node.s]);
    case 'assert':
      return new Set(['']);
    case 'digit':
    case 'any':
      return null;
    case 'rep': {
      // Only "x?" stays finite; other repeats are open-ended.
      if (node.min !== 0) return null;
      const inner = literals(node.node);
      return inner && inner.size < CAP ? new Set(['', ...inner]) : null;
    }
    case 'alt': {
      const out = new Set<string>();
      for (const b of node.branches) {
        const l = literals(b);
        if (!l) return null;
        l.forEach((x) => out.add(x));
        if (out.size > CAP) return null;
      }
      return out;
    }
    case 'seq': {
      let acc = new Set(['']);
      for (const item of node.items) {
        const l = literals(item);
        if (!l) return null;
        acc = product(acc, l);
        if (acc.size > CAP) return null;
      }
      return acc;
    }
  }
}

function product(a: Set<string>, b: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return out;
}

/** Cuts a prefix to "first word + space or hyphen + two letters": all the index needs, and it keeps sets small. */
// Exactly two letters of the second word: a shorter second word ("want a ") must keep its
// trailing space, or the next product would glue words together ("want apanic").
const PAIR = /^[a-z0-9][a-z0-9']*[ -][a-z0-9][a-z0-9']/;
const trunc = (set: Set<string>) => new Set([...set].map((x) => x.match(PAIR)?.[0] ?? x));
const saturated = (set: Set<string>) => [...set].every((x) => PAIR.test(x));

/**
 * Literal strings one of which every match starts with ("" means it may start anywhere),
 * or null when unknown. "(?:the )?victim" gives "the vi", "victim"; "he (?:kept|keeps)" gives "he ke".
 */
function prefixes(node: Node): Set<string> | null {
  switch (node.t) {
    case 'lit':
      return new Set([node.s]);
    case 'assert':
      return new Set(['']);
    case 'digit':
      return new Set([DIGIT]);
    case 'any':
      return null;
    case 'rep': {
      const inner = prefixes(node.node);
      if (!inner) return null;
      return node.min === 0 ? new Set(['', ...inner]) : inner;
    }
    case 'alt': {
      const out = new Set<string>();
      for (const b of node.branches) {
        const p = prefixes(b);
        if (!p) return null;
        trunc(p).forEach((x) => out.add(x));
      }
      return out;
    }
    case 'seq': {
      let acc = new Set(['']);
      for (const item of node.items) {
        const lit = literals(item);
        const next = lit ?? prefixes(item);
        if (!next) return acc.has('') ? null : acc;
        acc = trunc(product(acc, next));
        // Open-ended items end what we can know; so does reaching the two-word key everywhere.
        if (!lit || saturated(acc) || acc.size > CAP) return acc;
      }
      return acc;
    }
  }
}

/** A literal character that can never be part of a word of the text, so a word ends before it. */
const isBoundary = (x: Node) => x.t === 'lit' && !/^[a-z0-9']/.test(x.s);
/** Ends with a boundary character in every reading. */
const endsAtBoundary = (x: Node): boolean =>
  x.t === 'seq' ? x.items.length > 0 && endsAtBoundary(x.items[x.items.length - 1]!) : x.t === 'alt' ? x.branches.every(endsAtBoundary) : isBoundary(x);
/** A repeated group of whole words each followed by a space, "(?:has |then |again ){0,3}": a word starts after it. */
const isWordGroup = (x: Node) => x.t === 'rep' && endsAtBoundary(x.node);
/** Shorter words are commoner ("he", "a", "her"): of a branch's clauses, prefer the one whose shortest word is longest. */
const selectivity = (clause: string[]) => Math.min(...clause.map((w) => w.length));

/**
 * Words a match must contain, as a conjunction of alternatives: [["call", "calls"], ["night"]]
 * means "call or calls, and night". A clause comes from a stretch of the pattern between word
 * boundaries (spaces, punctuation, the pattern's ends) whose every reading is one whole word, so
 * each is certain to be a token of the text inside the match. An alternation contributes one
 * clause, the union of one clause from each branch ("he ... called" or "she ... texted").
 * @param node a node whose start and end are word boundaries
 */
function requiredWords(node: Node): string[][] {
  // Only a group that occurs exactly once keeps its ends on word boundaries ("(?:ab)+" reads "abab").
  if (node.t === 'rep') return node.min === 1 && node.max === 1 ? requiredWords(node.node) : [];
  if (node.t === 'alt') {
    const union = new Set<string>();
    for (const branch of node.branches) {
      const clauses = requiredWords(branch);
      if (clauses.length === 0) return [];
      clauses.sort((a, b) => selectivity(b) - selectivity(a))[0]!.forEach((w) => union.add(w));
    }
    return [[...union]];
  }
  if (node.t !== 'seq') return wordsOf(node);
  const out: string[][] = [];
  let from = 0;
  for (let j = 0; j <= node.items.length; j++) {
    // A word group starts a new word only where a word also starts before it (else "foo(?:bar ){0,2}baz" reads "foobaz").
    const atWordStart = node.items.slice(from, j).every((x) => x.t === 'assert');
    if (j < node.items.length && !isBoundary(node.items[j]!) && !(isWordGroup(node.items[j]!) && atWordStart)) continue;
    const segment = node.items.slice(from, j);
    from = j + 1;
    const solid = segment.filter((x) => x.t !== 'assert');
    if (solid.length === 0) continue;
    const words = wordsOf({ t: 'seq', items: segment });
    if (words.length > 0) out.push(...words);
    // A stretch that is one group of open-ended readings: look inside it.
    else if (solid.length === 1 && (solid[0]!.t === 'alt' || solid[0]!.t === 'seq' || solid[0]!.t === 'rep')) out.push(...requiredWords(solid[0]!));
  }
  return out;
}

/**
 * requiredWords for each branch of a pattern whose body is one alternation ("he ... her|she ...
 * him|suspect ... victim"): a match must contain every clause of at least one branch. [] when
 * some branch requires nothing.
 */
function requiredBranches(ast: Node): string[][][] {
  const solid = ast.t === 'seq' ? ast.items.filter((x) => x.t !== 'assert') : [ast];
  if (solid.length === 1 && solid[0]!.t === 'alt') {
    const branches = solid[0]!.branches.map(requiredWords);
    return branches.some((b) => b.length === 0) ? [] : branches;
  }
  const clauses = requiredWords(ast);
  return clauses.length ? [clauses] : [];
}

/** One clause when every reading of the node is a single whole word (or starts with one), else none. */
function wordsOf(node: Node): string[][] {
  const lits = literals(node);
  if (!lits || lits.size === 0 || lits.has('')) return [];
  const words = new Set<string>();
  for (const l of lits) {
    const w = l.match(HEAD)?.[0];
    // The literal's first word must be complete: followed by a non-word character or its end.
    if (!w || (w.length < l.length && /[a-z0-9']/.test(l[w.length]!))) return [];
    words.add(w);
  }
  return [[...words]];
}

/** Characters outside words ('@', '.') that every match contains: a text without one cannot match. */
function requiredMarks(node: Node): string[] {
  if (node.t === 'lit') return /^[a-z0-9' ]$/.test(node.s) ? [] : [node.s];
  if (node.t === 'seq') return [...new Set(node.items.flatMap(requiredMarks))];
  if (node.t === 'rep') return node.min >= 1 ? requiredMarks(node.node) : [];
  return []; // an alternation could take another branch
}

/**
 * Characters that end a clause in normalised text: no match of a pattern that cannot consume one
 * (see crosses) spans them, so its required words must occur in the same clause as its start.
 */
const CLAUSE_ENDS = '.!?;\n';
/** The character codes of CLAUSE_ENDS, compared directly: this runs on every character of every text. */
const isClauseEnd = (c: number) => c === 46 || c === 33 || c === 63 || c === 59 || c === 10;

/** Whether a match of the node could consume a clause end. */
function crosses(node: Node): boolean {
  switch (node.t) {
    case 'lit':
      return [...node.s].some((ch) => CLAUSE_ENDS.includes(ch));
    case 'any': {
      const re = new RegExp(node.src);
      return [...CLAUSE_ENDS].some((ch) => re.test(ch));
    }
    case 'seq':
      return node.items.some(crosses);
    case 'alt':
      return node.branches.some(crosses);
    case 'rep':
      return crosses(node.node);
    default:
      return false; // digits; assertions consume nothing
  }
}

const WORD_START = /^[a-z0-9]/;
const HEAD = /^[a-z0-9][a-z0-9']*/;

export interface PatternHit {
  /** Index of the pattern in the list given to the constructor. */
  pattern: number;
  start: number;
  end: number;
}

/** Patterns that may start at a word, and the literal text every one of them starts with there. */
interface Entry {
  full: string;
  /** How many characters of full the key already says (the rest is compared with the text). */
  known: number;
  ks: number[];
}

/**
 * How much of a pattern's literal start the index keeps beyond its first word. Longer keys filter
 * better but multiply: "kept a close eye on her (email|gmail|...)" expands to a thousand literals
 * that all begin "kept a clo", and checking each of them at every "kept" cost more than the regex.
 */
const KEY_TAIL = 6;

// Index keys are small integers, not strings: building and hashing a string per word of every
// text cost more than the regular expressions themselves. Word characters are [a-z0-9'].
const CHARS = 37;
const charCode = (c: number) => (c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? c - 22 : c === 39 ? 36 : -1);
const isWordStart = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
const isWordChar = (c: number) => isWordStart(c) || c === 39;
/** Key of a word's first one, two or three characters (a "partial" first word such as "har" of "harassed"), per length. */
const partialKey = (s: string, at: number, len: number) => {
  let key = 0;
  for (let i = 0; i < len; i++) key = key * CHARS + charCode(s.charCodeAt(at + i));
  return key;
};
/** Key of a first word (by id), its separator and the next word's first two characters. */
const pairKey = (word: number, hyphen: boolean, s: string, at: number) =>
  ((word * 2 + (hyphen ? 1 : 0)) * CHARS + charCode(s.charCodeAt(at))) * CHARS + charCode(s.charCodeAt(at + 1));

/**
 * Word -> id without making a string of each word of the text: an open-addressing hash table
 * over character codes (slicing and hashing a string per word cost more than the lookup).
 */
class WordTable {
  private readonly words: string[] = [];
  private readonly slots: Int32Array;
  private readonly mask: number;
  constructor(ids: Map<string, number>) {
    let size = 16;
    while (size < ids.size * 4) size *= 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size).fill(-1);
    for (const [word, id] of ids) {
      this.words[id] = word;
      let slot = WordTable.hash(word, 0, word.length) & this.mask;
      while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
      this.slots[slot] = id;
    }
  }
  static hash(s: string, from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    return h >>> 0;
  }
  /** The id of text.slice(from, to), or -1. */
  lookup(text: string, from: number, to: number): number {
    const length = to - from;
    for (let slot = WordTable.hash(text, from, to) & this.mask; ; slot = (slot + 1) & this.mask) {
      const id = this.slots[slot]!;
      if (id === -1) return -1;
      const word = this.words[id]!;
      if (word.length === length && text.startsWith(word, from)) return id;
    }
  }
}

/**
 * The first apostrophe in text[from, to), or to. (The search stays inside the word: an unbounded
 * indexOf per word made a long text without apostrophes cost time quadratic in its length.)
 */
function nextApostrophe(text: string, from: number, to: number): number {
  while (from < to && text.charCodeAt(from) !== 39) from++;
  return from;
}

/** Where a pattern may start, keyed by the text at that start: Entry lists by integer key. */
type EntryMap = Map<number, Entry[]>;

/**
 * The start index laid out flat, in typed arrays: per key a block of entries, per entry the rest of
 * its literal (in one character pool) and its patterns. Proposing the patterns at a word then reads
 * memory in sequence instead of chasing Map nodes, entry objects and strings, which cost a fifth of
 * all screening time.
 */
class FlatIndex {
  /** Word id -> block of entries keyed by that whole first word, or -1. */
  readonly byWord: Int32Array;
  /** [length 1, 2, 3] -> code of a word's first characters -> block, or -1. */
  readonly byPartial: Int32Array[];
  /** Open-addressing table: pair key -> block. */
  private readonly pairKeys: Int32Array;
  private readonly pairBlocks: Int32Array;
  private readonly pairMask: number;
  /** Block b holds entries [blockStart[b], blockStart[b + 1]). */
  readonly blockStart: Int32Array;
  /** Per entry: where its literal is compared in the text (from the start, the part the key has not already compared)... */
  readonly skip: Int32Array;
  /** ...against chars[charFrom[e], charFrom[e + 1]). */
  readonly charFrom: Int32Array;
  readonly chars: Uint16Array;
  /** Per entry: its patterns, patterns[patternFrom[e], patternFrom[e + 1]). */
  readonly patternFrom: Int32Array;
  readonly patterns: Int32Array;

  /** @param byPartial per length of the partial word (index 1 to 3) */
  constructor(words: number, byWord: EntryMap, byPair: EntryMap, byPartial: EntryMap[]) {
    const blocks: Entry[][] = [];
    const block = (list: Entry[]) => blocks.push(list) - 1;
    this.byWord = new Int32Array(words).fill(-1);
    for (const [id, list] of byWord) this.byWord[id] = block(list);
    this.byPartial = byPartial.map((map, len) => {
      const table = new Int32Array(CHARS ** len).fill(-1);
      for (const [key, list] of map) table[key] = block(list);
      return table;
    });
    let size = 16;
    while (size < byPair.size * 4) size *= 2;
    this.pairMask = size - 1;
    this.pairKeys = new Int32Array(size).fill(-1);
    this.pairBlocks = new Int32Array(size);
    for (const [key, list] of byPair) {
      let slot = FlatIndex.hash(key) & this.pairMask;
      while (this.pairKeys[slot] !== -1) slot = (slot + 1) & this.pairMask;
      this.pairKeys[slot] = key;
      this.pairBlocks[slot] = block(list);
    }
    const entries = blocks.flat();
    this.blockStart = new Int32Array(blocks.length + 1);
    blocks.forEach((list, b) => (this.blockStart[b + 1] = this.blockStart[b]! + list.length));
    this.skip = Int32Array.from(entries, (e) => e.known);
    this.charFrom = new Int32Array(entries.length + 1);
    this.patternFrom = new Int32Array(entries.length + 1);
    const chars: number[] = [];
    const patterns: number[] = [];
    entries.forEach((e, i) => {
      for (let c = 0; c < e.full.length; c++) chars.push(e.full.charCodeAt(c));
      patterns.push(...e.ks);
      this.charFrom[i + 1] = chars.length;
      this.patternFrom[i + 1] = patterns.length;
    });
    this.chars = Uint16Array.from(chars);
    this.patterns = Int32Array.from(patterns);
  }

  private static hash(key: number): number {
    const h = Math.imul(key, 0x9e3779b1);
    return h ^ (h >>> 15);
  }

  /** The block of a pair key, or -1. */
  pair(key: number): number {
    for (let slot = FlatIndex.hash(key) & this.pairMask; ; slot = (slot + 1) & this.pairMask) {
      const k = this.pairKeys[slot]!;
      if (k === key) return this.pairBlocks[slot]!;
      if (k === -1) return -1;
    }
  }
}

const ownerCache = new WeakMap<object, { set: PatternSet; owner: unknown[] }>();

export class PatternSet {
  private readonly sticky: RegExp[];
  private readonly global: RegExp[];
  /** Every word the index or a requirement names, numbered. */
  private readonly wordIds = new Map<string, number>();
  /**
   * Where a pattern may start, keyed three ways (every entry keeps the literal it must start with):
   * by pair: "first word + space or hyphen + first two letters of the second word" (most patterns);
   * by word: a whole first word; by partial: the first one to three letters of a word that may
   * continue (e.g. "har" of "harassed").
   */
  private readonly index: FlatIndex;
  private readonly partialLengths: number[];
  /**
   * Per pattern: the word ids a match must contain, as branches (any one will do) of clauses (all
   * needed) of alternatives (any one will do); see requiredBranches. No branches: no requirement.
   * Flat, from required[requiredFrom[k]]: the number of branches, then per branch its length (from
   * that number to the next branch), the number of clauses, then per clause the number of
   * alternatives and their word ids.
   */
  private readonly required: Int32Array;
  private readonly requiredFrom: Int32Array;
  private readonly digitPatterns: number[] = [];
  private readonly scanPatterns: number[] = [];
  /** Per scan pattern: characters every match contains (the '@' of an e-mail address). */
  private readonly scanMarks = new Map<number, string[]>();
  /** Per word id: the stamp of the last text, and of the last clause, it was seen in. */
  private readonly present: Int32Array;
  private readonly presentInClause: Int32Array;
  /** Per pattern: 1 when no match can span a clause end, so its required words are looked for in the start's clause alone. */
  private readonly inClause: Uint8Array;
  /** Per pattern: the stamp of the last text it was proposed in, whether that text has its required words, and its last proposed start there. */
  private readonly seen: Int32Array;
  private readonly allowed: Uint8Array;
  private readonly lastProposed: Int32Array;
  /**
   * Proposed (pattern, start) pairs of the current text, reused between calls. They start small on
   * purpose, so the first records already take the path that grows them: optimised code built
   * without it gave up at the first text that outgrew them (a first 100 KB narrative matched in
   * 74 ms against 21 ms after).
   */
  private candK = new Int32Array(16);
  private candAt = new Int32Array(16);
  private readonly table: WordTable;
  private stamp = 0;

  /** @param sources regular expression sources, matched case-sensitively on normalised text */
  constructor(sources: string[]) {
    this.sticky = sources.map((s) => new RegExp(s, 'y'));
    this.global = sources.map((s) => new RegExp(s, 'g'));
    const idOf = (word: string) => {
      let id = this.wordIds.get(word);
      if (id === undefined) this.wordIds.set(word, (id = this.wordIds.size));
      return id;
    };
    const lengths = new Set<number>();
    const byWord: EntryMap = new Map();
    const byPair: EntryMap = new Map();
    const byPartial: EntryMap[] = [0, 1, 2, 3].map(() => new Map());
    const put = (map: EntryMap, key: number, k: number, full: string, known: number) => {
      let list = map.get(key);
      if (!list) map.set(key, (list = []));
      const entry = list.find((e) => e.full === full);
      if (!entry) list.push({ full, known: Math.min(known, full.length), ks: [k] });
      else if (!entry.ks.includes(k)) entry.ks.push(k);
    };
    const required: number[][] = sources.map(() => [0]);
    this.inClause = new Uint8Array(sources.length);
    sources.forEach((src, k) => {
      let found: Set<string> | null;
      let ast: Node | undefined;
      try {
        ast = parse(src);
        found = prefixes(ast);
        const branches = requiredBranches(ast);
        this.inClause[k] = crosses(ast) ? 0 : 1;
        required[k] = [branches.length];
        for (const clauses of branches) {
          // Clauses with fewer alternatives first: they are the likelier to be missing, and cheaper to check.
          const body = [...clauses].sort((a, b) => a.length - b.length).flatMap((alts) => [alts.length, ...alts.map(idOf)]);
          required[k].push(body.length + 2, clauses.length, ...body);
        }
      } catch {
        found = null;
      }
      const usable = found && found.size > 0 && [...found].every((p) => p.startsWith(DIGIT) || WORD_START.test(p));
      if (!found || !usable) {
        this.scanPatterns.push(k);
        this.scanMarks.set(k, ast ? requiredMarks(ast) : []);
        return;
      }
      for (const prefix of found) {
        if (prefix.startsWith(DIGIT)) {
          if (!this.digitPatterns.includes(k)) this.digitPatterns.push(k);
          continue;
        }
        const literal = prefix.split(DIGIT)[0]!;
        const head = literal.match(HEAD)![0];
        const full = literal.slice(0, head.length + 1 + KEY_TAIL);
        const rest = full.slice(head.length);
        const sep = rest[0];
        const second = sep === ' ' || sep === '-' ? (rest.slice(1).match(HEAD)?.[0] ?? '') : '';
        if (second.length >= 2) put(byPair, pairKey(idOf(head), sep === '-', second, 0), k, full, head.length + 3);
        else if (rest.length > 0) put(byWord, idOf(head), k, full, head.length); // the word is complete: something follows it
        else {
          const len = Math.min(3, head.length);
          put(byPartial[len]!, partialKey(head, 0, len), k, full, len);
          lengths.add(len);
        }
      }
    });
    this.partialLengths = [...lengths].sort((a, b) => a - b);
    this.requiredFrom = new Int32Array(sources.length);
    for (let k = 1; k < sources.length; k++) this.requiredFrom[k] = this.requiredFrom[k - 1]! + required[k - 1]!.length;
    this.required = Int32Array.from(required.flat());
    this.present = new Int32Array(this.wordIds.size);
    this.presentInClause = new Int32Array(this.wordIds.size);
    this.seen = new Int32Array(sources.length);
    this.allowed = new Uint8Array(sources.length);
    this.lastProposed = new Int32Array(sources.length);
    this.table = new WordTable(this.wordIds);
    this.index = new FlatIndex(this.wordIds.size, byWord, byPair, byPartial);
  }

  /** Patterns grouped by owner (e.g. all patterns of one rule), built once per owner list. */
  static forOwners<T extends { regexes: RegExp[] }>(owners: T[]): { set: PatternSet; owner: T[] } {
    const cached = ownerCache.get(owners);
    if (cached) return cached as { set: PatternSet; owner: T[] };
    const owner: T[] = [];
    const sources: string[] = [];
    for (const o of owners) {
      for (const re of o.regexes) {
        sources.push(re.source);
        owner.push(o);
      }
    }
    const built = { set: new PatternSet(sources), owner };
    ownerCache.set(owners, built);
    return built;
  }

  /** How many patterns could not be indexed and are scanned in full (for diagnostics). */
  get unindexed(): number {
    return this.scanPatterns.length;
  }

  /** Every match of every pattern (non-overlapping per pattern, as String.matchAll would give). */
  matchAll(text: string): PatternHit[] {
    const hits: PatternHit[] = [];
    const n = this.sticky.length;

    // Pass 1: the words of the text, with their ids (-1 for words the index never names).
    const starts: number[] = [];
    const ends: number[] = [];
    const ids: number[] = [];
    // Per start: the first of its word ids (the word, and its parts before an apostrophe) in marks,
    // and the clause it is in (clauses are counted as stamps; see presentInClause).
    const marksFrom: number[] = [];
    const marks: number[] = [];
    const clauseOf: number[] = [];
    // Word ids seen in this text: present[id] === stamp (a stamp per call, and one per clause, from
    // one counter, so nothing to clear). A text has at most one clause per character.
    if (this.stamp > 0x7fffffff - text.length - 2) {
      this.stamp = 0;
      this.present.fill(0);
      this.presentInClause.fill(0);
      this.seen.fill(0);
    }
    const stamp = ++this.stamp;
    const present = this.present;
    let clause = ++this.stamp;
    let clauseEnded = false;
    for (let i = 0, len = text.length; i < len; ) {
      const c = text.charCodeAt(i);
      if (!isWordStart(c)) {
        if (isClauseEnd(c)) clauseEnded = true;
        i++;
        continue;
      }
      if (clauseEnded) {
        clause = ++this.stamp;
        clauseEnded = false;
      }
      let j = i + 1;
      while (j < len && isWordChar(text.charCodeAt(j))) j++;
      // A match may also start after an apostrophe inside a word ("again" of "her'again": the
      // patterns' look-behind only excludes letters and digits), so those are starts too.
      for (let at = i; at < j; at = nextApostrophe(text, at, j) + 1) {
        if (!isWordStart(text.charCodeAt(at))) continue;
        const id = this.table.lookup(text, at, j);
        marksFrom.push(marks.length);
        if (id >= 0) {
          present[id] = stamp;
          marks.push(id);
        }
        // A word may be followed by an apostrophe in the text ("sister's", a quote ending "me'"),
        // which a pattern's lookahead allows: each part before an apostrophe is present too.
        for (let cut = nextApostrophe(text, at, j); cut < j; cut = nextApostrophe(text, cut + 1, j)) {
          const part = this.table.lookup(text, at, cut);
          if (part >= 0) {
            present[part] = stamp;
            marks.push(part);
          }
        }
        starts.push(at);
        ends.push(j);
        ids.push(id);
        clauseOf.push(clause);
      }
      i = j;
    }

    marksFrom.push(marks.length);

    // Per pattern, kept between calls and valid while seen[k] is the stamp of this text (or, for a
    // pattern that stays in its clause, of the current clause): whether its required words are
    // there at all, and where it was last proposed (several index entries can propose one start).
    // Looking in the clause alone halved the expressions run per record (467 to 231) and cut
    // matching time by a fifth; checking that the words fall within a match's reach of each start
    // filtered more but cost more than it saved, in four implementations.
    const { seen, allowed, lastProposed, inClause, presentInClause } = this;
    let current = -1; // the clause whose words are marked in presentInClause
    // Candidates (pattern, start) in the order the index proposes them. They run grouped by pattern,
    // so each compiled expression runs for all its starts at once while it is in the CPU's caches
    // (a 100 KB text matched a third faster), and their hits are put back in proposal order.
    let m = 0;
    let { candK, candAt } = this;
    const attempt = (k: number, at: number) => {
      const scope = inClause[k] === 1 ? current : stamp;
      if (seen[k] !== scope) {
        seen[k] = scope;
        allowed[k] = this.hasRequired(k, inClause[k] === 1 ? presentInClause : present, scope) ? 1 : 0;
      } else if (lastProposed[k] === at) return;
      lastProposed[k] = at;
      if (allowed[k] === 0) return;
      if (m === candK.length) {
        ({ candK, candAt } = this.growCandidates());
      }
      candK[m] = k;
      candAt[m++] = at;
    };
    const { blockStart, skip, charFrom, chars, patternFrom, patterns } = this.index;
    const consider = (block: number, at: number) => {
      if (block < 0) return;
      for (let e = blockStart[block]!, last = blockStart[block + 1]!; e < last; e++) {
        // The key has compared the first skip[e] characters; compare the rest of the literal.
        let c = charFrom[e]! + skip[e]!;
        const to = charFrom[e + 1]!;
        for (let t = at + skip[e]!; c < to && text.charCodeAt(t) === chars[c]; t++) c++;
        if (c === to) for (let j = patternFrom[e]!, end = patternFrom[e + 1]!; j < end; j++) attempt(patterns[j]!, at);
      }
    };

    // Pass 2: at each word, in order, propose the patterns the index says can start there.
    for (let w = 0; w < starts.length; w++) {
      if (clauseOf[w] !== current) {
        // A new clause: mark the words of all of it before proposing at its first word.
        current = clauseOf[w]!;
        for (let x = w; x < starts.length && clauseOf[x] === current; x++) {
          for (let i = marksFrom[x]!, end = marksFrom[x + 1]!; i < end; i++) presentInClause[marks[i]!] = current;
        }
      }
      const at = starts[w]!;
      const id = ids[w]!;
      const length = ends[w]! - at;
      const c0 = text.charCodeAt(at);
      if (c0 >= 48 && c0 <= 57) for (const k of this.digitPatterns) attempt(k, at);
      if (id >= 0) {
        consider(this.index.byWord[id]!, at);
        let nx = w + 1; // the next word after this one (skipping starts inside it)
        while (nx < starts.length && starts[nx]! < ends[w]!) nx++;
        const next = nx < starts.length ? starts[nx]! : -1;
        if (next === ends[w]! + 1 && ends[nx]! - next >= 2) {
          const sep = text.charCodeAt(next - 1);
          if (sep === 32 || sep === 45) consider(this.index.pair(pairKey(id, sep === 45, text, next)), at);
        }
      }
      for (const len of this.partialLengths) {
        if (len > length) break;
        consider(this.index.byPartial[len]![partialKey(text, at, len)]!, at);
      }
    }
    // Run the candidates grouped by pattern (a counting sort keeps each pattern's starts in order),
    // laid out one pattern after another so the run reads them in sequence.
    const first = new Int32Array(n + 1);
    for (let i = 0; i < m; i++) first[candK[i]! + 1]!++;
    for (let k = 0; k < n; k++) first[k + 1]! += first[k]!;
    const fill = first.slice(0, n);
    const groupedAt = new Int32Array(m);
    const groupedSeq = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      const o = fill[candK[i]!]!++;
      groupedAt[o] = candAt[i]!;
      groupedSeq[o] = i;
    }
    const found: number[] = []; // triples: proposal number, start, end
    for (let k = 0; k < n; k++) {
      const re = this.sticky[k]!;
      let after = 0; // where this pattern's last match ended: a match may not begin inside it, as with String.matchAll
      for (let o = first[k]!, end = first[k + 1]!; o < end; o++) {
        const at = groupedAt[o]!;
        if (at < after) continue;
        re.lastIndex = at;
        if (re.test(text) && re.lastIndex > at) {
          found.push(groupedSeq[o]!, at, re.lastIndex);
          after = re.lastIndex;
        }
      }
    }
    const byProposal: number[] = [];
    for (let f = 0; f < found.length; f += 3) byProposal.push(f);
    byProposal.sort((a, b) => found[a]! - found[b]!);
    for (const f of byProposal) hits.push({ pattern: candK[found[f]!]!, start: found[f + 1]!, end: found[f + 2]! });

    // Patterns without a known start scan the whole text, so they are skipped when the text lacks
    // their required words or characters (a 100 KB text without '@' has no e-mail address).
    for (const k of this.scanPatterns) {
      if (!this.hasRequired(k, present, stamp) || this.scanMarks.get(k)!.some((mark) => !text.includes(mark))) continue;
      const re = this.global[k]!;
      re.lastIndex = 0;
      for (const m of text.matchAll(re)) if (m[0].length) hits.push({ pattern: k, start: m.index, end: m.index + m[0].length });
    }
    return hits;
  }

  private growCandidates(): { candK: Int32Array<ArrayBuffer>; candAt: Int32Array<ArrayBuffer> } {
    const candK = new Int32Array(this.candK.length * 2);
    const candAt = new Int32Array(this.candAt.length * 2);
    candK.set(this.candK);
    candAt.set(this.candAt);
    this.candK = candK;
    this.candAt = candAt;
    return { candK, candAt };
  }

  private hasRequired(k: number, present: Int32Array, stamp: number): boolean {
    const r = this.required;
    let p = this.requiredFrom[k]!;
    const branches = r[p++]!;
    if (branches === 0) return true;
    for (let b = 0; b < branches; b++) {
      const next = p + r[p]!;
      const clauses = r[p + 1]!;
      p += 2;
      let all = true;
      for (let c = 0; c < clauses && all; c++) {
        const alternatives = r[p++]!;
        let any = false;
        for (let i = 0; i < alternatives && !any; i++) any = present[r[p + i]!] === stamp;
        all = any;
        p += alternatives;
      }
      if (all) return true;
      p = next;
    }
    return false;
  }
}
