// The one place transformers.js is configured and called: offline, from models/, no file cache.
// Used inside the embedding worker; tests also call it directly to watch the loading thread.
import { env, pipeline } from '@xenova/transformers';
import ort from 'onnxruntime-node';

export interface ExtractorConfig {
  /** Absolute path of models/. */
  modelsDir: string;
  modelId: string;
  /** true loads onnx/model_quantized.onnx, false onnx/model.onnx (transformers.js naming). */
  quantized: boolean;
  pooling: 'mean' | 'cls';
  normalize: boolean;
}

/** Embeds a batch; returns the vectors row-major in one array. */
export type Extract = (texts: string[]) => Promise<{ data: Float32Array; dimensions: number }>;

export function configureOffline(modelsDir: string): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = modelsDir.endsWith('/') ? modelsDir : `${modelsDir}/`;
  // The file cache lives in node_modules and is consulted before localModelPath: a stale copy there
  // could shadow the verified files, so it is switched off.
  env.useFSCache = false;
  env.useBrowserCache = false;
}

interface TensorLike {
  type: string;
  dims: number[];
  data: ArrayLike<number | bigint>;
}
/** transformers.js 2.17 copies an onnxruntime tensor's own fields into its own; since 1.16 the values are the `cpuData` field behind a getter. */
type CopiedTensor = TensorLike & { cpuData?: ArrayLike<number | bigint> };
const valuesOf = (t: CopiedTensor) => t.data ?? t.cpuData!;
interface PipelineParts {
  tokenizer: (texts: string[], options: { padding: boolean; truncation: boolean }) => Record<string, CopiedTensor> & { input_ids: CopiedTensor; attention_mask: CopiedTensor };
  model: { session: ort.InferenceSession };
}

/**
 * Loads the feature-extraction pipeline and embeds with its tokenizer and the ONNX session it made.
 * The session is run here with onnxruntime's own tensors: transformers.js 2.17 copies tensors into
 * a class of its own that the onnxruntime this project runs (1.22: the earliest tried whose binding
 * is safe in worker threads) no longer accepts. The pooling is done here too: transformers.js pools by
 * reading every element through its Tensor's Proxy, which took most of the embedding time; reading
 * the typed arrays once is the same arithmetic (masked mean or first token, then L2 normalisation).
 */
export async function loadFeatureExtractor(config: ExtractorConfig): Promise<Extract> {
  configureOffline(config.modelsDir);
  const extractor = (await pipeline('feature-extraction', config.modelId, { quantized: config.quantized })) as unknown as PipelineParts;
  const session = extractor.model.session;
  return async (texts) => {
    const inputs = extractor.tokenizer(texts, { padding: true, truncation: true });
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of session.inputNames) {
      const given = inputs[name];
      if (given) feeds[name] = new ort.Tensor(given.type as 'int64', valuesOf(given) as BigInt64Array, given.dims);
      // BERT-style models take segment ids; one segment is all zeros, as transformers.js fills them.
      else if (name === 'token_type_ids') feeds[name] = new ort.Tensor('int64', new BigInt64Array(valuesOf(inputs.input_ids).length), inputs.input_ids.dims);
      else throw new Error(`the model needs an input "${name}" that its tokenizer does not give`);
    }
    const outputs = await session.run(feeds);
    const hidden = outputs.last_hidden_state ?? outputs.logits;
    if (!hidden) throw new Error('the model returned neither last_hidden_state nor logits');
    const [batch, length, dimensions] = hidden.dims as [number, number, number];
    return { data: pool(hidden.data as Float32Array, valuesOf(inputs.attention_mask), batch, length, dimensions, config), dimensions };
  };
}

/** Masked mean (or first-token) pooling and optional L2 normalisation; a row with no tokens stays zero. */
export function pool(
  hidden: ArrayLike<number>,
  mask: ArrayLike<number | bigint>,
  batch: number,
  length: number,
  dimensions: number,
  options: Pick<ExtractorConfig, 'pooling' | 'normalize'>,
): Float32Array {
  const out = new Float32Array(batch * dimensions);
  const row = new Float64Array(dimensions); // sums in double precision, as transformers.js does
  for (let b = 0; b < batch; b++) {
    row.fill(0);
    if (options.pooling === 'cls') {
      for (let d = 0; d < dimensions; d++) row[d] = hidden[b * length * dimensions + d]!;
    } else {
      let count = 0;
      for (let t = 0; t < length; t++) {
        if (Number(mask[b * length + t]) === 0) continue;
        count++;
        const offset = (b * length + t) * dimensions;
        for (let d = 0; d < dimensions; d++) row[d]! += hidden[offset + d]!;
      }
      if (count > 0) for (let d = 0; d < dimensions; d++) row[d]! /= count;
    }
    if (options.normalize) {
      let norm = 0;
      for (let d = 0; d < dimensions; d++) norm += row[d]! * row[d]!;
      norm = Math.sqrt(norm);
      if (norm > 0) for (let d = 0; d < dimensions; d++) row[d]! /= norm;
    }
    out.set(row, b * dimensions);
  }
  return out;
}

/**
 * Embeds any number of texts in batches. Texts are grouped by length so a batch pads little;
 * masked mean pooling makes the result independent of the grouping. A blank text gets the zero
 * vector without reaching the model; one with no known word gets it from pool().
 */
export async function embedAll(extract: Extract, texts: string[], batchSize: number, dimensions: number): Promise<Float32Array> {
  const out = new Float32Array(texts.length * dimensions);
  const order = texts
    .map((t, i) => ({ i, len: t.length }))
    .filter(({ i }) => texts[i]!.trim() !== '')
    .sort((a, b) => a.len - b.len || a.i - b.i)
    .map(({ i }) => i);
  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    const { data, dimensions: d } = await extract(batch.map((i) => texts[i]!));
    if (d !== dimensions) throw new Error(`model returned ${d}-d vectors, manifest says ${dimensions}`);
    batch.forEach((i, row) => out.set(data.subarray(row * d, (row + 1) * d), i * d));
  }
  return out;
}
