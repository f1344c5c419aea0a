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

export async function loadFeatureExtractor(config: ExtractorConfig): Promise<Extract> {
  configureOffline(config.modelsDir);
  const extractor = await pipeline('feature-extraction', config.modelId, { quantized: config.quantized });
  return async (texts) => {
    const out = await extractor(texts, { pooling: config.pooling, normalize: config.normalize });
    const dims = out.dims as number[];
    return { data: out.data as Float32Array, dimensions: dims[dims.length - 1]! };
  };
}

/**
 * Embeds any number of texts in batches. Texts are grouped by length so a batch pads little;
 * masked mean pooling makes the result independent of the grouping. A blank text, or one with no
 * known word, gets the zero vector (transformers.js would divide by zero and return NaN).
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
    batch.forEach((i, row) => {
      const v = data.subarray(row * d, (row + 1) * d);
      if (!v.some(Number.isNaN)) out.set(v, i * d);
    });
  }
  return out;
}
