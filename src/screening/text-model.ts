// The text model stage: the project's own transformer encoder (models/text-encoder, trained at build
// time by scripts/train-text-model.py, run here with onnxruntime), and the linear n-gram model it
// was compared with (models/ngram-linear). Both read the words themselves, in any phrasing, beside
// the rules.
//
// The encoder gives every token, per task, an attention logit a_t, an attended value v_t and a summed
// value u_t; the record's logit is b + sum_t softmax(a)_t * v_t + sum_t u_t / sqrt(T) over all its
// T tokens. The attended part lets one telling clause decide; the summed part lets evidence from many
// clauses add up, as a course of conduct does. The logit is therefore exactly b plus the sum of its
// tokens' contributions, and a clause's contribution is the sum over its tokens: the clauses that
// raised the score most are the model's evidence, with no approximation.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { z } from 'zod';
import { splitSentences, type Range } from './sentences.ts';
import { bigramFeature, BUCKETS, GRAMS, LEFT_TO_RULES, NGRAM_BITS, tokenise, trigramBuckets, UNK, wordFeatures, type Token } from './text-tokens.ts';
import type { Span } from './types.ts';

const MODELS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');
export const TEXT_ENCODER_DIR = join(MODELS, 'text-encoder');
export const NGRAM_DIR = join(MODELS, 'ngram-linear');

/**
 * The encoder reads at most this many words of a record (the rules read all of it). A 100 KB
 * narrative has about 18,000; past this the cost grows with no gain in what a reviewer sees first.
 */
export const MAX_MODEL_TOKENS = 2048;
/** Windows run together in one onnxruntime call: enough to amortise the call, small enough to pad little. */
const BATCH_TOKENS = 8192;

const calibrationSchema = z.object({ a: z.number(), b: z.number() });
/** The tasks every text model reads, in the order of its outputs. */
export const TASKS = ['stalking', 's4a', 'high_risk'] as const;
export type Task = (typeof TASKS)[number];
export type PerTask = Record<Task, number>;
const manifestSchema = z
  .object({
  id: z.string(),
  /** The encoder's recipe: its window (tokens per window, the position table's length) is needed here. */
  recipe: z
    .object({
      window: z.number().int().positive().optional(),
      grams: z.number().int().optional(),
      buckets: z.number().int().optional(),
      pool: z.literal('attention+sum').optional(),
      pool_bias: z.tuple([z.number(), z.number(), z.number()]).optional(),
      tasks: z.array(z.string()).optional(),
      /** The words the model was trained without, left to the rules (text-tokens.ts LEFT_TO_RULES). */
      left_to_rules: z.string().optional(),
    })
    .loose(),
  version: z.string(),
  calibration: z.object({ stalking: calibrationSchema, s4a: calibrationSchema, high_risk: calibrationSchema }),
  files: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
  development: z.unknown().optional(),
})
  .loose();
export type TextModelManifest = z.infer<typeof manifestSchema> & Record<string, unknown>;

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Reads a model folder's manifest and checks every file against its SHA-256; throws naming what is wrong. */
export function verifiedManifest(dir: string): TextModelManifest {
  const rebuild = 'Retrain with `/usr/bin/python3 scripts/train-text-model.py`, or restore the committed files (git checkout models/).';
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) throw new Error(`text model manifest ${path} is missing. ${rebuild}`);
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`text model manifest ${path} is broken: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  for (const [file, expected] of Object.entries(parsed.data.files)) {
    const full = join(dir, file);
    if (!existsSync(full)) throw new Error(`text model file ${full} is missing. ${rebuild}`);
    if (sha256(full) !== expected) throw new Error(`text model file ${full} does not match its manifest checksum. ${rebuild}`);
  }
  // The words a model was trained without must be the ones this code leaves out (text-tokens.ts).
  const left = parsed.data.recipe.left_to_rules;
  if (left !== LEFT_TO_RULES) throw new Error(`text model ${dir} was trained leaving ${JSON.stringify(left ?? null)} to the rules; this code leaves ${JSON.stringify(LEFT_TO_RULES)}. ${rebuild}`);
  return parsed.data as TextModelManifest;
}

export interface ClauseContribution {
  span: Span;
  /** What the clause added to the record's logit (negative: it lowered the score). */
  contribution: number;
}

export interface TextScore {
  /** Calibrated probabilities from this model alone. */
  stalking: number;
  s4a: number;
  high_risk: number;
  /** Raw logits, before calibration: what a combining scorer reads. */
  logits: PerTask;
  /** The part of each logit no clause carries (the model's constant): logit = bias + the clauses' contributions. */
  bias: PerTask;
  /** Clauses by what they added to each task's logit, largest first (only clauses with words read). */
  clauses: Record<Task, ClauseContribution[]>;
  /** Words read out of the record's words (the encoder stops at MAX_MODEL_TOKENS). */
  tokensRead: number;
  tokens: number;
}

export interface TextScorer {
  readonly id: string;
  readonly version: string;
  score(texts: readonly string[]): Promise<TextScore[]>;
  close(): Promise<void>;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** A per-word-form memo of `f`, emptied when it grows past 200,000 forms (a long run's vocabulary). */
function cachedByForm<T>(f: (form: string) => T): (form: string) => T {
  const cache = new Map<string, T>();
  return (form) => {
    let v = cache.get(form);
    if (v === undefined) {
      v = f(form);
      if (cache.size > 200_000) cache.clear();
      cache.set(form, v);
    }
    return v;
  };
}

/** Sums per-token contributions into the text's clauses (the same boundaries the rules use). */
export function clauseContributions(text: string, tokens: readonly Token[], perToken: ArrayLike<number>, count = tokens.length, clauses: readonly Range[] = splitSentences(text)): ClauseContribution[] {
  const sums = new Float64Array(clauses.length);
  const seen = new Uint8Array(clauses.length);
  let c = 0;
  for (let i = 0; i < count; i++) {
    const t = tokens[i]!;
    while (c + 1 < clauses.length && clauses[c]!.end <= t.start) c++;
    sums[c]! += perToken[i]!;
    seen[c] = 1;
  }
  const out: ClauseContribution[] = [];
  clauses.forEach((r, k) => {
    if (!seen[k]) return;
    // Trim the clause's own whitespace and separators so the span reads cleanly.
    let start = r.start;
    let end = r.end;
    while (start < end && /[\s\-|]/.test(text[start]!)) start++;
    while (end > start && /[\s\-|]/.test(text[end - 1]!)) end--;
    out.push({ span: { start, end, text: text.slice(start, end) }, contribution: sums[k]! });
  });
  return out.sort((a, b) => b.contribution - a.contribution || a.span.start - b.span.start);
}

// ---- the transformer encoder ------------------------------------------------------------------

interface Prepared {
  text: string;
  tokens: Token[];
  ids: number[];
  read: number;
}

export async function loadTextEncoder(dir = TEXT_ENCODER_DIR, options: { threads?: number } = {}): Promise<TextScorer> {
  const manifest = verifiedManifest(dir);
  const WINDOW = manifest.recipe.window ?? 64;
  if (manifest.recipe.pool !== 'attention+sum' || !manifest.recipe.pool_bias || manifest.recipe.tasks?.join() !== TASKS.join()) {
    throw new Error(`text model ${dir}: its manifest does not name the attention+sum pooling over the tasks ${TASKS.join(', ')} that this code reads`);
  }
  const poolBias = manifest.recipe.pool_bias;
  const OUT = 3 * TASKS.length; // per token and task: (a, v, u)
  if (manifest.recipe.grams !== GRAMS || manifest.recipe.buckets !== BUCKETS) {
    throw new Error(`text model ${dir} was trained with ${manifest.recipe.grams} trigrams per word in ${manifest.recipe.buckets} buckets; this code reads ${GRAMS} in ${BUCKETS}`);
  }
  const vocab = new Map<string, number>();
  readFileSync(join(dir, 'vocab.txt'), 'utf8')
    .split('\n')
    .forEach((w, i) => {
      if (w && !vocab.has(w)) vocab.set(w, i);
    });
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), {
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  // Trigram buckets per word form: the same words recur across records.
  const gramsOf = cachedByForm(trigramBuckets);
  const cal = manifest.calibration;
  // One run at a time on the session: batches from overlapping calls (the screening thread's messages,
  // eval's chunks) queue here rather than entering onnxruntime together.
  let last: Promise<unknown> = Promise.resolve();
  let closed = false;
  // Calls under way when close() is called finish (all their batches) before the session is released.
  const calls = new Set<Promise<unknown>>();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const next = last.then(work, work);
    last = next.catch(() => undefined);
    return next;
  };

  async function run(windows: { doc: number; offset: number; length: number }[], docs: Prepared[], out: Float32Array[]) {
    const t = Math.max(...windows.map((w) => w.length));
    const n = windows.length;
    const ids = new BigInt64Array(n * t);
    const grams = new BigInt64Array(n * t * GRAMS);
    // Ids are small and non-negative: write the low 32 bits of each little-endian int64 directly (the
    // high words stay 0), instead of a BigInt per value, which cost more than the model on short records.
    const ids32 = new Int32Array(ids.buffer);
    const grams32 = new Int32Array(grams.buffer);
    const mask = new Float32Array(n * t);
    windows.forEach((w, row) => {
      const d = docs[w.doc]!;
      for (let i = 0; i < w.length; i++) {
        const k = w.offset + i;
        ids32[(row * t + i) * 2] = d.ids[k]!;
        const g = gramsOf(d.tokens[k]!.form);
        for (let j = 0; j < GRAMS; j++) grams32[((row * t + i) * GRAMS + j) * 2] = g[j]!;
        mask[row * t + i] = 1;
      }
    });
    const result = await exclusive(() =>
      session.run({
        input_ids: new ort.Tensor('int64', ids, [n, t]),
        trigram_ids: new ort.Tensor('int64', grams, [n, t, GRAMS]),
        attention_mask: new ort.Tensor('float32', mask, [n, t]),
      }),
    );
    const scores = result.token_scores!.data as Float32Array; // [n, t, OUT]
    windows.forEach((w, row) => {
      const target = out[w.doc]!;
      for (let i = 0; i < w.length; i++) for (let j = 0; j < OUT; j++) target[(w.offset + i) * OUT + j] = scores[(row * t + i) * OUT + j]!;
    });
  }

  return {
    id: manifest.id,
    version: manifest.version,
    score(texts) {
      if (closed) return Promise.reject(new Error('the text model is closed'));
      const call = scoreAll(texts);
      calls.add(call);
      void call.finally(() => calls.delete(call)).catch(() => undefined);
      return call;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...calls]);
      await session.release();
    },
  };

  async function scoreAll(texts: readonly string[]): Promise<TextScore[]> {
    const docs: Prepared[] = texts.map((text) => {
      const tokens = tokenise(text);
      const read = Math.min(tokens.length, MAX_MODEL_TOKENS);
      const ids = tokens.slice(0, read).map((t) => vocab.get(t.form) ?? UNK);
      return { text, tokens, ids, read };
    });
    const outputs = docs.map((d) => new Float32Array(Math.max(1, d.read) * OUT));
    const windows: { doc: number; offset: number; length: number }[] = [];
    docs.forEach((d, doc) => {
      if (d.read === 0) return;
      for (let offset = 0; offset < d.read; offset += WINDOW) windows.push({ doc, offset, length: Math.min(WINDOW, d.read - offset) });
    });
    // Similar lengths together, so a batch pads little.
    windows.sort((a, b) => a.length - b.length);
    let batch: typeof windows = [];
    for (const w of windows) {
      if (batch.length && (batch.length + 1) * w.length > BATCH_TOKENS) {
        await run(batch, docs, outputs);
        batch = [];
      }
      batch.push(w);
    }
    if (batch.length) await run(batch, docs, outputs);

    return docs.map((d, k) => {
      const o = outputs[k]!;
      const root = Math.sqrt(Math.max(1, d.read));
      const ranges = splitSentences(d.text);
      const out = {} as { logits: PerTask; clauses: Record<Task, ClauseContribution[]> };
      out.logits = { stalking: 0, s4a: 0, high_risk: 0 };
      out.clauses = { stalking: [], s4a: [], high_risk: [] };
      TASKS.forEach((task, t) => {
        const a = (i: number) => o[i * OUT + t * 3]!;
        // softmax of the attention logits over every token read, times the attended values, plus the summed values.
        let max = -Infinity;
        for (let i = 0; i < d.read; i++) max = Math.max(max, a(i));
        let total = 0;
        for (let i = 0; i < d.read; i++) total += Math.exp(a(i) - max);
        const contrib = new Float64Array(d.read);
        let z = poolBias[t]!;
        for (let i = 0; i < d.read; i++) {
          contrib[i] = (Math.exp(a(i) - max) / total) * o[i * OUT + t * 3 + 1]! + o[i * OUT + t * 3 + 2]! / root;
          z += contrib[i]!;
        }
        out.logits[task] = z;
        out.clauses[task] = clauseContributions(d.text, d.tokens, contrib, d.read, ranges);
      });
      return {
        stalking: sigmoid(cal.stalking.a * out.logits.stalking + cal.stalking.b),
        s4a: sigmoid(cal.s4a.a * out.logits.s4a + cal.s4a.b),
        high_risk: sigmoid(cal.high_risk.a * out.logits.high_risk + cal.high_risk.b),
        logits: out.logits,
        bias: { stalking: poolBias[0], s4a: poolBias[1], high_risk: poolBias[2] },
        clauses: out.clauses,
        tokensRead: d.read,
        tokens: d.tokens.length,
      };
    });
  }
}

// ---- the linear n-gram model (the comparison) -------------------------------------------------

const ngramManifestSchema = manifestSchema.extend({ bias: z.tuple([z.number(), z.number(), z.number()]) });

export async function loadNgramModel(dir = NGRAM_DIR): Promise<TextScorer> {
  const manifest = ngramManifestSchema.parse(verifiedManifest(dir));
  const buf = readFileSync(join(dir, 'weights.f32'));
  const K = TASKS.length;
  const weights = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4); // [2^bits, tasks], little-endian
  if (weights.length !== K * (1 << NGRAM_BITS)) throw new Error(`n-gram weights in ${dir} have ${weights.length} values, expected ${K * (1 << NGRAM_BITS)}`);
  const cal = manifest.calibration;
  const ownFeatures = cachedByForm((form) => Int32Array.from(wordFeatures(form)));
  return {
    id: manifest.id,
    version: manifest.version,
    async score(texts) {
      return texts.map((text) => {
        const tokens = tokenise(text);
        const forms = tokens.length ? tokens.map((t) => t.form) : [''];
        // Per word, the features it starts (its unigram, the bigram it starts, its trigrams), so a
        // word's contribution can be put on its span.
        const perWord = TASKS.map(() => new Float64Array(forms.length));
        // Features per word: its own (unigram and trigrams, cached by form) and the bigram it starts.
        const own = forms.map(ownFeatures);
        const count = own.reduce((n, f) => n + f.length, 0) + Math.max(0, forms.length - 1);
        const scale = 1 / Math.sqrt(count);
        const add = (i: number, f: number) => {
          for (let t = 0; t < K; t++) perWord[t]![i]! += weights[f * K + t]! * scale;
        };
        forms.forEach((w, i) => {
          for (const f of own[i]!) add(i, f);
          if (i + 1 < forms.length) add(i, bigramFeature(w, forms[i + 1]!));
        });
        const sum = (a: Float64Array) => a.reduce((s, x) => s + x, 0);
        const logits = { stalking: manifest.bias[0] + sum(perWord[0]!), s4a: manifest.bias[1] + sum(perWord[1]!), high_risk: manifest.bias[2] + sum(perWord[2]!) };
        const ranges = tokens.length ? splitSentences(text) : [];
        const clausesOf = (t: number) => (tokens.length ? clauseContributions(text, tokens, perWord[t]!, tokens.length, ranges) : []);
        return {
          stalking: sigmoid(cal.stalking.a * logits.stalking + cal.stalking.b),
          s4a: sigmoid(cal.s4a.a * logits.s4a + cal.s4a.b),
          high_risk: sigmoid(cal.high_risk.a * logits.high_risk + cal.high_risk.b),
          logits,
          bias: { stalking: manifest.bias[0], s4a: manifest.bias[1], high_risk: manifest.bias[2] },
          clauses: { stalking: clausesOf(0), s4a: clausesOf(1), high_risk: clausesOf(2) },
          tokensRead: tokens.length,
          tokens: tokens.length,
        };
      });
    },
    async close() {},
  };
}


