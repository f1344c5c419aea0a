// Semantic indicators: sentences of a record compared with exemplar phrases (catalogue/exemplars.yaml)
// in embedding space, for the paraphrases the rule patterns miss.
//
//   prepareDoc      normalise -> sentences (the same splitter and ConText cues as the rules)
//   embedUnits      one vector per sentence (batched, cached), the common direction removed
//   candidates      per sentence, the codes whose closest exemplar passes that code's threshold
//   indicators      a `source: 'semantic'` indicator per candidate no rule of the same code covers,
//                   with ConText applied around the words that carried the match
//
// Thresholds and the common direction are learnt on development data by scripts/train-hybrid.ts
// and kept in models/hybrid-scorer.json; this module only applies them.
import type { Catalogue, CompiledRule } from '../rules/compile.ts';
import { applyContext, findCues, type CueHit } from '../screening/context.ts';
import { matchOwners } from '../screening/match.ts';
import { normaliserFor, toOriginal, type NormalisedText } from '../screening/normalise.ts';
import { splitSentences, type Range } from '../screening/sentences.ts';
import type { Indicator, IndicatorCategory, Span } from '../screening/types.ts';
import ort from 'onnxruntime-node';
import { modelTag, type ModelInfo } from './embedder.ts';
import { buildSimilarityGraph } from './onnx-graph.ts';

/** What the matcher needs from an embedder (the shared worker-thread Embedder, or a test double). */
export interface EmbedderLike {
  embed(texts: string[]): Promise<Float32Array[]>;
  info(): ModelInfo;
}

/** An indicator code the exemplars stand for, with what it borrows from its strongest rule. */
export interface SemanticCode {
  code: string;
  category: IndicatorCategory;
  label: string;
  weight: number;
  limb?: 'i' | 'ii';
  s2a?: string[];
  four: string[];
  severity?: 'high' | 'medium';
}

export interface SemanticSettings {
  /** Unit vector removed from every embedding before comparison (the direction all text shares). */
  common: number[] | null;
  /** Minimum similarity per code; codes not listed use `default_threshold`. */
  thresholds: Record<string, number>;
  default_threshold: number;
  /** At most this many codes from one sentence. */
  max_codes_per_sentence: number;
}

/** A clause of a sentence worth embedding: offsets into the normalised text, trimmed of separators. */
export interface SentenceUnit {
  /** Index into SemanticDoc.sentences. */
  sentence: number;
  start: number;
  end: number;
  text: string;
}

export interface SemanticDoc {
  n: NormalisedText;
  sentences: Range[];
  units: SentenceUnit[];
  cues: CueHit[];
}

export interface Candidate {
  unit: number;
  code: string;
  similarity: number;
  /** Index into SemanticMatcher.exemplars. */
  exemplar: number;
}

const MIN_WORDS = 3;
const ANCHOR_SHARE = 0.45;
/** Where a sentence divides into clauses: commas, colons, brackets and the commonest conjunctions. */
const CLAUSE = /[,:()](?=\s)| (?=(?:and|but|because|although|though|whereas|while|so that|as well as) )/g;
const WORD = /[a-z][a-z'-]*[a-z]|[a-z]/g;
// Words that carry no indicator meaning on their own; never anchors for ConText.
const STOPWORDS = new Set(
  ('a an the and or but if of to in on at by for with from into onto over under about as is was were be been being am are ' +
    'has have had do does did will would shall should can could may might must this that these those there here it its ' +
    "he him his she her hers they them their we us our you your i me my mine he's she's it's i'm i've i'd i'll he'd he'll " +
    "she'd she'll they're they've victim suspect reporting person male female hrs also then than so just very really now again " +
    'who what when where which while whom whose all any some each every one two three ' +
    // Negation words are ConText cues, never the words a match rests on.
    "not no never nothing nobody none nor cannot can't don't doesn't didn't isn't wasn't won't hasn't haven't hadn't")
    .split(' ')
    .filter(Boolean),
);

/** The strongest rule of each behaviour, impact and risk code: exemplars borrow its label and weight. */
export function semanticCodes(catalogue: Catalogue): Map<string, SemanticCode> {
  const byCode = new Map<string, CompiledRule>();
  for (const r of catalogue.rules) {
    if (r.category !== 'behaviour' && r.category !== 'impact' && r.category !== 'risk') continue;
    const best = byCode.get(r.code);
    if (!best || r.weight > best.weight) byCode.set(r.code, r);
  }
  const out = new Map<string, SemanticCode>();
  for (const [code, r] of byCode) {
    out.set(code, {
      code,
      category: r.category,
      label: r.label,
      weight: r.weight,
      ...(r.limb ? { limb: r.limb } : {}),
      ...(r.s2a ? { s2a: r.s2a } : {}),
      four: r.four,
      ...(r.severity ? { severity: r.severity } : {}),
    });
  }
  return out;
}

/** Sentences of a record (normalised, as the rules see them) and its ConText cues. */
export function prepareDoc(catalogue: Catalogue, text: string): SemanticDoc {
  const n = normaliserFor(catalogue)(text);
  const sentences = splitSentences(n.text);
  const units: SentenceUnit[] = [];
  sentences.forEach((s, sentence) => {
    // Clauses, not whole sentences: an averaged embedding of a long sentence is diluted by whatever
    // else it says. A clause too short to mean anything joins the one before it.
    const cuts = [s.start];
    for (const m of n.text.slice(s.start, s.end).matchAll(CLAUSE)) cuts.push(s.start + m.index);
    cuts.push(s.end);
    const pieces: { start: number; end: number }[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const piece = { start: cuts[i]!, end: cuts[i + 1]! };
      const words = (n.text.slice(piece.start, piece.end).match(WORD) ?? []).length;
      if (words < MIN_WORDS && pieces.length) pieces[pieces.length - 1]!.end = piece.end;
      else pieces.push(piece);
    }
    for (const piece of pieces) {
      let { start, end } = piece;
      // Trim white space, separators and punctuation: the span is the statement itself.
      while (start < end && /[\s\-|;,:()]/.test(n.text[start]!)) start++;
      while (end > start && /[\s\-|;,:().!?]/.test(n.text[end - 1]!)) end--;
      const body = n.text.slice(start, end);
      if ((body.match(WORD) ?? []).length >= MIN_WORDS) units.push({ sentence, start, end, text: body });
    }
  });
  return { n, sentences, units, cues: findCues(matchOwners(catalogue.context, n.text)) };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Removes the common direction and rescales to unit length (SIF's common-component removal). */
export function adjust(v: Float32Array, common: Float32Array | null): Float32Array {
  const out = Float32Array.from(v);
  if (common) {
    const p = dot(out, common);
    for (let i = 0; i < out.length; i++) out[i]! -= p * common[i]!;
  }
  const norm = Math.sqrt(dot(out, out));
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

/** Mean of unit vectors, rescaled to unit length: the pooled embedding of a record. */
export function pool(vectors: Float32Array[], dimensions: number): Float32Array {
  const out = new Float32Array(dimensions);
  for (const v of vectors) for (let i = 0; i < dimensions; i++) out[i]! += v[i]!;
  const norm = Math.sqrt(dot(out, out));
  if (norm > 0) for (let i = 0; i < dimensions; i++) out[i]! /= norm;
  return out;
}

/** A small least-recently-used cache of vectors by text. */
class VectorCache {
  private readonly map = new Map<string, Float32Array>();
  constructor(private readonly capacity: number) {}
  get(key: string): Float32Array | undefined {
    const v = this.map.get(key);
    if (v) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: Float32Array): void {
    if (this.capacity <= 0) return;
    this.map.set(key, v);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }
}

export interface MatcherOptions {
  /** Sentence and word vectors kept between calls (default 20,000; 0 turns the cache off). */
  cacheSize?: number;
}

export class SemanticMatcher {
  readonly codes: SemanticCode[];
  readonly exemplars: { code: string; phrase: string; vector: Float32Array }[];
  readonly modelTag: string;
  readonly dimensions: number;
  private readonly codeIndex: Map<string, number>;
  private readonly exemplarCode: Int32Array;
  private readonly exemplarMatrix: Float32Array;
  private readonly common: Float32Array | null;
  private readonly cache: VectorCache;
  /** The exemplar matrix as an onnxruntime MatMul, created with the matcher. */
  private readonly session: Promise<ort.InferenceSession>;

  private constructor(
    private readonly embedder: EmbedderLike,
    readonly settings: SemanticSettings,
    codes: SemanticCode[],
    exemplars: { code: string; phrase: string; vector: Float32Array }[],
    cacheSize: number,
  ) {
    const info = embedder.info();
    this.modelTag = modelTag(info);
    this.dimensions = info.dimensions;
    this.codes = codes;
    this.exemplars = exemplars;
    this.codeIndex = new Map(codes.map((c, i) => [c.code, i]));
    this.exemplarCode = Int32Array.from(exemplars.map((e) => this.codeIndex.get(e.code)!));
    this.exemplarMatrix = new Float32Array(exemplars.length * this.dimensions);
    exemplars.forEach((e, k) => this.exemplarMatrix.set(e.vector, k * this.dimensions));
    this.common = settings.common ? Float32Array.from(settings.common) : null;
    this.cache = new VectorCache(cacheSize);
    this.session = ort.InferenceSession.create(buildSimilarityGraph(this.exemplarMatrix, exemplars.length, this.dimensions), { intraOpNumThreads: 1 });
  }

  /** Embeds every exemplar phrase once (normalised like record text). */
  static async load(embedder: EmbedderLike, catalogue: Catalogue, settings: SemanticSettings, options: MatcherOptions = {}): Promise<SemanticMatcher> {
    const known = semanticCodes(catalogue);
    const codes = [...new Set(catalogue.exemplars.map((e) => e.code))].map((c) => known.get(c)).filter((c): c is SemanticCode => Boolean(c));
    if (codes.length === 0) throw new Error(`the catalogue in ${catalogue.dir} has no exemplars for behaviour, impact or risk codes`);
    const normalise = normaliserFor(catalogue);
    const phrases = catalogue.exemplars.filter((e) => known.has(e.code)).flatMap((e) => e.phrases.map((phrase) => ({ code: e.code, phrase })));
    const common = settings.common ? Float32Array.from(settings.common) : null;
    if (common && common.length !== embedder.info().dimensions) {
      throw new Error(`the semantic settings were learnt for ${common.length}-d vectors, the embedding model gives ${embedder.info().dimensions}-d`);
    }
    const raw = await embedder.embed(phrases.map((p) => normalise(p.phrase).text));
    const exemplars = phrases.map((p, i) => ({ ...p, vector: adjust(raw[i]!, common) }));
    const matcher = new SemanticMatcher(embedder, settings, codes, exemplars, options.cacheSize ?? 20_000);
    await matcher.session; // start-up work, and a failure surfaces here rather than on a record
    return matcher;
  }

  threshold(code: string): number {
    return this.settings.thresholds[code] ?? this.settings.default_threshold;
  }

  /** Adjusted unit vectors for texts, in one embed() call for whatever is not cached. */
  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: (Float32Array | undefined)[] = texts.map((t) => this.cache.get(t));
    const missing = [...new Set(texts.filter((_, i) => !out[i]))];
    if (missing.length) {
      const vectors = await this.embedder.embed(missing);
      const fresh = new Map(missing.map((t, i) => [t, adjust(vectors[i]!, this.common)]));
      for (const [t, v] of fresh) this.cache.set(t, v);
      texts.forEach((t, i) => (out[i] ??= fresh.get(t)));
    }
    return out as Float32Array[];
  }

  /** For each sentence vector, the best similarity per code and the exemplar that gave it. */
  async scores(vectors: Float32Array[]): Promise<{ best: Float32Array; arg: Int32Array }> {
    const nc = this.codes.length;
    const d = this.dimensions;
    const codeOf = this.exemplarCode;
    const count = codeOf.length;
    const best = new Float32Array(vectors.length * nc).fill(-1);
    const arg = new Int32Array(vectors.length * nc).fill(-1);
    if (vectors.length === 0) return { best, arg };
    const input = new Float32Array(vectors.length * d);
    vectors.forEach((v, u) => input.set(v, u * d));
    const session = await this.session;
    const out = await session.run({ clauses: new ort.Tensor('float32', input, [vectors.length, d]) });
    const sims = out.similarities!.data as Float32Array;
    for (let u = 0; u < vectors.length; u++) {
      for (let k = 0; k < count; k++) {
        const s = sims[u * count + k]!;
        const at = u * nc + codeOf[k]!;
        if (s > best[at]!) {
          best[at] = s;
          arg[at] = k;
        }
      }
    }
    return { best, arg };
  }

  /** Sentences whose closest exemplar of a code passes that code's threshold (at most N codes each). */
  async candidates(vectors: Float32Array[], thresholds: (code: string) => number = (c) => this.threshold(c)): Promise<Candidate[]> {
    const { best, arg } = await this.scores(vectors);
    const nc = this.codes.length;
    const out: Candidate[] = [];
    for (let u = 0; u < vectors.length; u++) {
      const passing: Candidate[] = [];
      for (let c = 0; c < nc; c++) {
        const s = best[u * nc + c]!;
        if (s >= thresholds(this.codes[c]!.code)) passing.push({ unit: u, code: this.codes[c]!.code, similarity: s, exemplar: arg[u * nc + c]! });
      }
      passing.sort((a, b) => b.similarity - a.similarity);
      out.push(...passing.slice(0, this.settings.max_codes_per_sentence));
    }
    return out;
  }

  /**
   * Indicators for the candidates that no rule of the same code already covers. ConText is applied
   * as for a rule mention: the "mention" is the stretch of the sentence between the first and last
   * words closest to the exemplar, so cues inside it are part of the match ("scared he will") and
   * cues before or after it modify it as they would a rule ("IP is not scared").
   */
  async indicators(doc: SemanticDoc, candidates: Candidate[], ruleIndicators: readonly Indicator[] = []): Promise<Indicator[]> {
    const codeOf = new Map(this.codes.map((c) => [c.code, c]));
    const toSpan = (start: number, end: number) => toOriginal(doc.n, start, end);
    const live = candidates.filter((cand) => {
      const span = toSpan(doc.units[cand.unit]!.start, doc.units[cand.unit]!.end);
      return !ruleIndicators.some((r) => r.code === cand.code && r.spans.some((s) => s.start < span.end && span.start < s.end));
    });
    if (live.length === 0) return [];

    const wordsOf = (u: SentenceUnit) =>
      [...u.text.matchAll(WORD)].filter((m) => !STOPWORDS.has(m[0]) && m[0].length > 2).map((m) => ({ word: m[0], start: u.start + m.index, end: u.start + m.index + m[0].length }));
    // The words of each matched clause, embedded alone (and cached): the ones closest to the
    // exemplar are the words the match rests on.
    const allWords = [...new Set(live.flatMap((c) => wordsOf(doc.units[c.unit]!).map((w) => w.word)))];
    const wordIndex = new Map(allWords.map((w, i) => [w, i]));
    const vectors = await this.embed(allWords);

    return live.map((cand) => {
      const unit = doc.units[cand.unit]!;
      const code = codeOf.get(cand.code)!;
      const exemplar = this.exemplars[cand.exemplar]!;
      const words = wordsOf(unit).map((w) => ({ ...w, score: dot(vectors[wordIndex.get(w.word)!]!, exemplar.vector) }));
      // Anchors: the content words at least ANCHOR_SHARE as close to the exemplar as the closest one.
      const top = Math.max(...words.map((w) => w.score));
      const anchors = words.length ? words.filter((w) => w.score >= (top > 0 ? ANCHOR_SHARE * top : top)) : [{ word: '', start: unit.start, end: unit.end, score: 0 }];
      const mention = { rule: { category: code.category } as CompiledRule, start: anchors[0]!.start, end: anchors[anchors.length - 1]!.end };
      const [context] = applyContext(doc.n.text, doc.sentences, [mention], doc.cues, toSpan);
      const similarity = Math.round(cand.similarity * 1000) / 1000;
      const span: Span = toSpan(unit.start, unit.end);
      const closest = anchors.map((a) => a.word).filter(Boolean).slice(0, 4);
      return {
        code: code.code,
        category: code.category,
        label: code.label,
        spans: [span],
        source: 'semantic' as const,
        similarity,
        exemplar: exemplar.phrase,
        weight: code.weight,
        reason: `reads like "${exemplar.phrase}" (similarity ${similarity.toFixed(2)}${closest.length ? `; closest words: ${closest.join(', ')}` : ''}): ${code.label.toLowerCase()}`,
        ...(code.s2a ? { s2a: code.s2a } : {}),
        ...(code.limb ? { limb: code.limb } : {}),
        context: context!,
      };
    });
  }

  /** Everything for one record: the sentence vectors, the pooled vector and the semantic indicators. */
  async analyse(doc: SemanticDoc, ruleIndicators: readonly Indicator[] = []): Promise<{ vectors: Float32Array[]; pooled: Float32Array; indicators: Indicator[] }> {
    const vectors = await this.embed(doc.units.map((u) => u.text));
    const indicators = await this.indicators(doc, await this.candidates(vectors), ruleIndicators);
    return { vectors, pooled: pool(vectors, this.dimensions), indicators };
  }
}
