// Loads the catalogue (YAML data) and compiles it once into regular expressions.
// Heavy language work (inflections with compromise) happens here, at load time, never per record.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import nlp from 'compromise';
import YAML from 'yaml';
import {
  catalogueFileSchema,
  type Classification,
  type ConductRule,
  type ContextCue,
  type Exemplar,
  type Rule,
} from './schema.ts';
import type { Rewrite } from '../screening/normalise.ts';

export const DEFAULT_CATALOGUE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'catalogue');
/** Common English words (scripts/build-known-words.ts), protected from spelling correction. */
const KNOWN_WORDS_FILE = join(dirname(fileURLToPath(import.meta.url)), 'known-words.txt');
let knownWords: Set<string> | undefined;
const loadKnownWords = () => (knownWords ??= new Set(readFileSync(KNOWN_WORDS_FILE, 'utf8').split('\n').filter(Boolean)));

export interface CompiledRule extends Rule {
  regexes: RegExp[];
  source: string;
}
export interface CompiledCue extends ContextCue {
  regexes: RegExp[];
  source: string;
}
export interface CompiledConduct extends ConductRule {
  regexes: RegExp[];
  source: string;
}
export interface CompiledClassification extends Classification {
  regex: RegExp;
}

export interface Catalogue {
  /** Content hash of every file: any change to the data changes the version results carry. */
  version: string;
  dir: string;
  rules: CompiledRule[];
  context: CompiledCue[];
  contextTests: { text: string; code: string; expect: Record<string, boolean>; source: string }[];
  conduct: CompiledConduct[];
  /** Behaviour codes that do not count as another kind of behaviour towards a course of conduct (conduct.yaml). */
  kindsNotCounted: Set<string>;
  classifications: CompiledClassification[];
  rewrites: Rewrite[];
  spellings: Record<string, string>;
  /** Exemplar phrases per indicator code, for the semantic matcher (one entry per code). */
  exemplars: (Exemplar & { source: string })[];
  /** Literal words the patterns use, for spelling correction. */
  vocabulary: Set<string>;
  knownWords: Set<string>;
  expand(pattern: string): string;
}

const inflectionCache = new Map<string, string[]>();

/** Every inflection of a word or phrasal verb: follow -> follow|follows|followed|following. */
export function inflections(word: string): string[] {
  const cached = inflectionCache.get(word);
  if (cached) return cached;
  const forms = new Set<string>([word]);
  const asVerb = nlp(word);
  asVerb.tag('Verb'); // a bare word is ambiguous; ask for it as a verb and, below, as a noun
  const verb = asVerb.verbs().conjugate()[0] as Record<string, string> | undefined;
  if (verb) {
    for (const [tense, form] of Object.entries(verb)) if (tense !== 'FutureTense' && form) forms.add(form);
  }
  if (!word.includes(' ')) {
    const asNoun = nlp(word);
    asNoun.tag('Noun');
    const plural = asNoun.nouns().toPlural().text();
    if (plural) forms.add(plural);
    if (verb && verb.Gerund === word) forms.add(word.endsWith('e') ? `${word.slice(0, -1)}ing` : `${word}ing`);
  }
  const list = [...forms].map((f) => f.toLowerCase()).sort((a, b) => b.length - a.length);
  inflectionCache.set(word, list);
  return list;
}

// A comma may end the word before the gap ("unbeknown to her, her landlord").
const GAP = '[,:]? (?:[^\\s.!?;]+ ){0,6}?';

/**
 * @param asTries word alternatives as tries (the compiled patterns), or as plain lists: the spelling
 * index reads whole words from those (a trie splits "flatmate" into "f(?:riend|latmate)").
 */
function makeExpander(lexicons: Map<string, string[]>, asTries = true) {
  const alternatives = asTries ? trieRegex : (words: string[]) => `(?:${words.join('|')})`;
  const expand = (pattern: string, depth = 0): string => {
    if (depth > 5) throw new Error(`lexicon nesting too deep in "${pattern}"`);
    return (asTries ? literalGroupsAsTries(pattern) : pattern)
      .replace(/ __ /g, GAP)
      .replace(/\{([a-z][a-z0-9_]*)\}/g, (_m, name: string) => {
        const entries = lexicons.get(name);
        if (!entries) throw new Error(`unknown lexicon {${name}}`);
        const literal = entries.filter((e) => LITERAL.test(e));
        const others = entries.filter((e) => !LITERAL.test(e)).map((e) => expand(e, depth + 1)).sort((a, b) => b.length - a.length);
        return `(?:${[...(literal.length ? [alternatives(literal)] : []), ...others].join('|')})`;
      })
      .replace(/<([a-z][a-z' -]*)>/g, (_m, word: string) => alternatives(inflections(word)));
  };
  return (pattern: string) => expand(pattern);
}

/** A lexicon entry with no pattern syntax in it, which can go into a trie. */
const LITERAL = /^[a-z0-9 '&,-]+$/;

/**
 * Literal alternatives as a trie-shaped expression: follow|follows|followed|following becomes
 * follow(?:ed|ing|s)?. The regex engine then decides letter by letter instead of trying every
 * alternative in turn, and a longer word is still preferred to its prefix (greedy optionals).
 */
export function trieRegex(words: string[]): string {
  interface TrieNode {
    end: boolean;
    next: Map<string, TrieNode>;
  }
  const root: TrieNode = { end: false, next: new Map() };
  for (const w of words) {
    let node = root;
    for (const ch of w) {
      let child = node.next.get(ch);
      if (!child) node.next.set(ch, (child = { end: false, next: new Map() }));
      node = child;
    }
    node.end = true;
  }
  const emit = (node: TrieNode): string => {
    const branches = [...node.next].map(([ch, child]) => escapeRegex(ch) + emit(child));
    if (branches.length === 0) return '';
    const body = branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`;
    if (!node.end) return body;
    return /^(?:\\?.|\(\?:.*\))$/s.test(body) && (body.length <= 2 || branches.length > 1) ? `${body}?` : `(?:${body})?`;
  };
  return `(?:${emit(root)})`;
}

/** Innermost groups of plain words written in a pattern, "(?:calls|called|calling)", as tries. */
function literalGroupsAsTries(pattern: string): string {
  return pattern.replace(/\(\?:([a-z0-9 '&,|-]+)\)(?![?*+{])/g, (group, body: string) => {
    const words = body.split('|');
    return words.length > 2 && words.every((w) => w.length > 0) ? trieRegex(words) : group;
  });
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compilePattern(expanded: string, where: string): RegExp {
  try {
    return new RegExp(`(?<![a-z0-9])(?:${expanded})(?![a-z0-9])`, 'g');
  } catch (err) {
    throw new Error(`${where}: bad pattern: ${(err as Error).message}`, { cause: err });
  }
}

/** Literal words of 6+ letters a compiled pattern can match, for the spelling index. */
function literalWords(expanded: string, into: Set<string>): void {
  for (const w of expanded.replace(/\\[a-z]/gi, ' ').match(/[a-z]{6,}/g) ?? []) into.add(w);
}

const catalogueCache = new Map<string, Catalogue>();

export function loadCatalogue(dir: string = DEFAULT_CATALOGUE_DIR): Catalogue {
  const cached = catalogueCache.get(dir);
  if (cached) return cached;

  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const hash = createHash('sha256');
  const parsed = files.map((file) => {
    const raw = readFileSync(join(dir, file), 'utf8');
    hash.update(file).update(raw);
    const result = catalogueFileSchema.safeParse(YAML.parse(raw));
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
    }
    return { file, data: result.data };
  });

  const lexicons = new Map<string, string[]>();
  for (const { file, data } of parsed) {
    for (const [name, entries] of Object.entries(data.lexicons ?? {})) {
      if (lexicons.has(name)) throw new Error(`${file}: lexicon {${name}} is defined twice`);
      lexicons.set(name, entries.map((e) => e.toLowerCase()));
    }
  }
  const expand = makeExpander(lexicons);
  const expandPlain = makeExpander(lexicons, false);
  const vocabulary = new Set<string>();
  const ids = new Set<string>();

  const rules: CompiledRule[] = [];
  const context: CompiledCue[] = [];
  const conduct: CompiledConduct[] = [];
  const classifications: CompiledClassification[] = [];
  const contextTests: Catalogue['contextTests'] = [];
  const rewrites: Rewrite[] = [];
  const spellings: Record<string, string> = {};
  const exemplars: Catalogue['exemplars'] = [];
  const kindsNotCounted = new Set<string>();

  for (const { file, data } of parsed) {
    const compileAll = (id: string, patterns: string[]) =>
      patterns.map((p) => {
        literalWords(expandPlain(p), vocabulary);
        return compilePattern(expand(p), `${file} ${id}`);
      });
    const claim = (id: string) => {
      if (ids.has(id)) throw new Error(`${file}: id ${id} is used twice`);
      ids.add(id);
    };
    for (const rule of data.rules ?? []) {
      claim(rule.id);
      rules.push({ ...rule, regexes: compileAll(rule.id, rule.patterns), source: file });
    }
    for (const cue of data.context ?? []) {
      claim(cue.id);
      context.push({ ...cue, regexes: compileAll(cue.id, cue.patterns), source: file });
    }
    for (const c of data.conduct ?? []) {
      claim(c.id);
      conduct.push({ ...c, regexes: compileAll(c.id, c.patterns), source: file });
    }
    for (const c of data.classifications ?? []) {
      claim(c.id);
      const alts = c.patterns.map((p) => `(?:${expand(p)})`).join('|');
      classifications.push({ ...c, regex: new RegExp(`(?<![a-z0-9])(?:${alts})(?![a-z0-9])`) });
    }
    for (const t of data.context_tests ?? []) contextTests.push({ ...t, source: file });
    rewrites.push(...(data.rewrites ?? []));
    for (const code of data.kinds_not_counted ?? []) kindsNotCounted.add(code);
    Object.assign(spellings, data.spellings ?? {});
    for (const e of data.exemplars ?? []) exemplars.push({ ...e, source: file });
  }

  // Exemplars borrow their label, category and weight from the rules of the same code, so each
  // must name a code the rules define, once.
  const ruleCodes = new Set(rules.map((r) => r.code));
  const exemplarCodes = new Set<string>();
  for (const e of exemplars) {
    if (!ruleCodes.has(e.code)) throw new Error(`${e.source}: exemplars for ${e.code}: no rule has that code`);
    if (exemplarCodes.has(e.code)) throw new Error(`${e.source}: exemplars for ${e.code} are given twice`);
    exemplarCodes.add(e.code);
  }

  const catalogue: Catalogue = {
    version: `catalogue-${hash.digest('hex').slice(0, 12)}`,
    dir,
    rules,
    context,
    contextTests,
    conduct,
    kindsNotCounted,
    classifications,
    rewrites,
    spellings,
    exemplars,
    vocabulary,
    knownWords: loadKnownWords(),
    expand,
  };
  catalogueCache.set(dir, catalogue);
  return catalogue;
}
