// The one place transformers.js is configured and called: offline, from models/, no file cache.
// Used inside the embedding worker; tests also call it directly to watch the loading thread.
import { env, pipeline } from '@xenova/transformers';

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
  dims: number[];
  data: ArrayLike<number | bigint>;
}
interface PipelineParts {
  tokenizer: (texts: string[], options: { padding: boolean; truncation: boolean }) => { attention_mask: TensorLike };
  model: (inputs: unknown) => Promise<{ last_hidden_state?: TensorLike; logits?: TensorLike }>;
}

/**
 * Loads the feature-extraction pipeline and embeds through its own tokenizer and ONNX model. The
 * pooling is done here: transformers.js 2.17 pools by reading every element through its Tensor's
 * Proxy, which took most of the embedding time; reading the typed arrays once is the same
 * arithmetic (masked mean or first token, then L2 normalisation) without that cost.
 */
export async function loadFeatureExtractor(config: ExtractorConfig): Promise<Extract> {
  configureOffline(config.modelsDir);
  const extractor = (await pipeline('feature-extraction', config.modelId, { quantized: config.quantized })) as unknown as PipelineParts;
  return async (texts) => {
    const inputs = extractor.tokenizer(texts, { padding: true, truncation: true });
    const outputs = await extractor.model(inputs);
    const hidden = outputs.last_hidden_state ?? outputs.logits;
    if (!hidden) throw new Error('the model returned neither last_hidden_state nor logits');
    const [batch, length, dimensions] = hidden.dims as [number, number, number];
    return { data: pool(hidden.data as Float32Array, inputs.attention_mask.data, batch, length, dimensions, config), dimensions };
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
