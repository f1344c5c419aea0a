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
  | { t: 'any' } // a class, wildcard or escape that is not a digit
  | { t: 'digit' }
  | { t: 'assert' } // anchors, boundaries and look-arounds: match empty
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; branches: Node[] }
  | { t: 'rep'; node: Node; min: number };

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
        atom = { t: 'rep', node: atom, min };
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
      return /^\[[0-9-]+\]$/.test(body) ? { t: 'digit' } : { t: 'any' };
    }
    if (c === '\\') {
      const e = src[i + 1]!;
      i += 2;
      if (e === 'd') return { t: 'digit' };
      if (e === 'b' || e === 'B') return { t: 'assert' };
      if (/[sSwWD]/.test(e)) return { t: 'any' };
      if (e === 'u' || e === 'x') {
        i += e === 'u' ? 4 : 2;
        return { t: 'any' };
      }
      return { t: 'lit', s: e === 'n' ? '\n' : e === 't' ? '\t' : e };
    }
    i++;
    if (c === '.') return { t: 'any' };
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

/**
 * Words a match must contain, as a conjunction of alternatives: [["call", "calls"], ["night"]]
 * means "call or calls, and night". Taken from whole words of the top-level sequence that sit
 * between spaces (or the pattern's ends), so each is certain to be a token of the text.
 */
function requiredWords(node: Node): string[][] {
  // Unwrap the compiled form: seq[lookbehind, group, lookahead] -> group.
  let body = node;
  while (body.t === 'seq') {
    const inner = body.items.filter((x) => x.t !== 'assert');
    if (inner.length !== 1) break;
    body = inner[0]!;
  }
  if (body.t !== 'seq') return [];
  const items = body.items;
  const out: string[][] = [];
  const isSpace = (x: Node | undefined) => x?.t === 'lit' && x.s === ' ';
  const endsWord = (x: Node | undefined) => x === undefined || x.t === 'assert' || (x.t === 'lit' && !/[a-z0-9']/.test(x.s));
  for (let j = 0; j < items.length; j++) {
    const item = items[j]!;
    if (item.t === 'lit' || item.t === 'assert') continue;
    const startsWord = j === 0 || isSpace(items[j - 1]);
    if (!startsWord || !endsWord(items[j + 1])) continue;
    const lits = literals(item);
    if (!lits || lits.size === 0 || lits.has('')) continue;
    const words = new Set<string>();
    let ok = true;
    for (const l of lits) {
      const w = l.match(HEAD)?.[0];
      // The literal's first word must be complete: followed by a non-word character or the item's end.
      if (!w || (w.length < l.length && /[a-z0-9']/.test(l[w.length]!))) {
        ok = false;
        break;
      }
      words.add(w);
    }
    if (ok) out.push([...words]);
  }
  return out;
}

const WORD_START = /^[a-z0-9]/;
const HEAD = /^[a-z0-9][a-z0-9']*/;

export interface PatternHit {
  /** Index of the pattern in the list given to the constructor. */
  pattern: number;
  start: number;
  end: number;
}

interface Entry {
  k: number;
  full: string;
}

const ownerCache = new WeakMap<object, { set: PatternSet; owner: unknown[] }>();

export class PatternSet {
  private readonly sticky: RegExp[];
  private readonly global: RegExp[];
  /**
   * Where a pattern may start, keyed three ways (every entry keeps the literal it must start with):
   * byPair: "first word + space or hyphen + first two letters of the second word" (most patterns);
   * byWord: a whole first word; byPartial: the first three letters of a word that may continue
   * (e.g. "harass" of "harassed").
   */
  private readonly byPair = new Map<string, Entry[]>();
  private readonly byWord = new Map<string, Entry[]>();
  private readonly byPartial = new Map<string, Entry[]>();
  private readonly partialLengths: number[];
  /** Per pattern: words it must contain (see requiredWords); checked once per text. */
  private readonly required: string[][][];
  private readonly digitPatterns: number[] = [];
  private readonly scanPatterns: number[] = [];

  /** @param sources regular expression sources, matched case-sensitively on normalised text */
  constructor(sources: string[]) {
    this.sticky = sources.map((s) => new RegExp(s, 'y'));
    this.global = sources.map((s) => new RegExp(s, 'g'));
    const lengths = new Set<number>();
    const put = (map: Map<string, Entry[]>, key: string, entry: Entry) => {
      const list = map.get(key);
      if (!list) map.set(key, [entry]);
      else if (!list.some((e) => e.k === entry.k && e.full === entry.full)) list.push(entry);
    };
    this.required = sources.map(() => []);
    sources.forEach((src, k) => {
      let found: Set<string> | null;
      try {
        const ast = parse(src);
        found = prefixes(ast);
        this.required[k] = requiredWords(ast);
      } catch {
        found = null;
      }
      const usable = found && found.size > 0 && [...found].every((p) => p.startsWith(DIGIT) || WORD_START.test(p));
      if (!found || !usable) {
        this.scanPatterns.push(k);
        return;
      }
      for (const prefix of found) {
        if (prefix.startsWith(DIGIT)) {
          if (!this.digitPatterns.includes(k)) this.digitPatterns.push(k);
          continue;
        }
        const full = prefix.split(DIGIT)[0]!;
        const head = full.match(HEAD)![0];
        const rest = full.slice(head.length);
        const sep = rest[0];
        const second = sep === ' ' || sep === '-' ? (rest.slice(1).match(HEAD)?.[0] ?? '') : '';
        if (second.length >= 2) put(this.byPair, `${head}${sep}${second.slice(0, 2)}`, { k, full });
        else if (rest.length > 0) put(this.byWord, head, { k, full }); // the word is complete: something follows it
        else {
          const key = head.slice(0, 3);
          put(this.byPartial, key, { k, full });
          lengths.add(key.length);
        }
      }
    });
    this.partialLengths = [...lengths].sort((a, b) => a - b);
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
    // Per pattern: where its last match ended (a match may not begin inside it, as with
    // String.matchAll) and where it was last tried (several index entries can propose one start).
    const after = new Int32Array(n);
    const tried = new Int32Array(n).fill(-1);
    // A pattern whose required words are absent from the text cannot match anywhere in it.
    // A word may be followed by an apostrophe in the text ("sister's", a quote ending "me'"),
    // which a pattern's lookahead allows: record the part before it too.
    const tokens = new Set<string>();
    for (const t of text.match(/[a-z0-9][a-z0-9']*/g) ?? []) {
      tokens.add(t);
      const cut = t.indexOf("'");
      if (cut > 0) tokens.add(t.slice(0, cut)).add(t.replace(/'+$/, ''));
    }
    const possible = new Int8Array(n); // 0 unknown, 1 yes, 2 no
    const attempt = (k: number, at: number) => {
      if (at < after[k]! || tried[k] === at) return;
      if (possible[k] === 0) possible[k] = this.required[k]!.every((alts) => alts.some((w) => tokens.has(w))) ? 1 : 2;
      if (possible[k] === 2) return;
      tried[k] = at;
      const re = this.sticky[k]!;
      re.lastIndex = at;
      if (re.test(text) && re.lastIndex > at) {
        hits.push({ pattern: k, start: at, end: re.lastIndex });
        after[k] = re.lastIndex;
      }
    };
    const consider = (list: Entry[] | undefined, at: number) => {
      if (!list) return;
      for (let i = 0; i < list.length; i++) {
        const e = list[i]!;
        if (text.startsWith(e.full, at)) attempt(e.k, at);
      }
    };
    const word = /[a-z0-9][a-z0-9']*/g;
    let prevToken = '';
    let prevAt = -2;
    for (let m: RegExpExecArray | null = word.exec(text); ; m = word.exec(text)) {
      // Pairs are looked up one word late, when the next word is known; starts stay ascending.
      if (m && m.index === prevAt + prevToken.length + 1) {
        const sep = text.charCodeAt(m.index - 1);
        if (sep === 32 || sep === 45) consider(this.byPair.get(`${prevToken}${sep === 32 ? ' ' : '-'}${m[0].slice(0, 2)}`), prevAt);
      }
      if (!m) break;
      const token: string = m[0];
      const at: number = m.index;
      const c0 = token.charCodeAt(0);
      if (c0 >= 48 && c0 <= 57) for (const k of this.digitPatterns) attempt(k, at);
      consider(this.byWord.get(token), at);
      for (const len of this.partialLengths) {
        if (len > token.length) break;
        consider(this.byPartial.get(len === token.length ? token : token.slice(0, len)), at);
      }
      prevToken = token;
      prevAt = at;
    }
    for (const k of this.scanPatterns) {
      const re = this.global[k]!;
      re.lastIndex = 0;
      for (const m of text.matchAll(re)) if (m[0].length) hits.push({ pattern: k, start: m.index, end: m.index + m[0].length });
    }
    return hits;
  }
}
