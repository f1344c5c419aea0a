// Sentence embeddings for the semantic matcher and scorer. The model runs in a worker thread (one
// persistent transformers.js pipeline, warmed up at load) so embedding never blocks the event loop.
// Before the worker starts, the model directory is checked against its manifest: a missing model or
// a changed file is a clear error, never a silent download or a different model.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { PendingReplies, startTypeScriptWorker } from '../worker-thread.ts';
import { isValidModelId, ModelIntegrityError, verifyModelDir } from './manifest.ts';
import type { WorkerConfig, WorkerReply, WorkerRequest } from './worker.ts';

export interface EmbedderOptions {
  modelId: string;
  /** Absolute path of models/. */
  modelsDir: string;
  /** Sentences per model call inside the worker. */
  batchSize?: number;
}

export interface ModelInfo {
  id: string;
  version: string;
  /** SHA-256 over the manifest's file checksums (modelDigest): names the exact model bytes. */
  checksum: string;
  dimensions: number;
}

/** The identifier results carry in `versions.model`, e.g. "wink-sg-100d@1.0.0+sha256:1a2b3c4d5e6f". */
export function modelTag(info: ModelInfo): string {
  return `${info.id}@${info.version}+sha256:${info.checksum.slice(0, 12)}`;
}

/** Cosine similarity; 0 when either vector is all zeros (a text with no known word). */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`cosine of vectors of different lengths (${a.length}, ${b.length})`);
  let dot = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return aa === 0 || bb === 0 ? 0 : dot / Math.sqrt(aa * bb);
}

export class Embedder {
  private readonly replies = new PendingReplies<WorkerReply>();
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly model: ModelInfo,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      if (!('id' in reply)) return;
      if (!this.replies.settle(reply.id, reply.type === 'error' ? { error: new Error(`embedding failed: ${reply.message}`) } : { reply })) return;
      this.refWhileBusy();
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      this.replies.failAll(this.failure);
    };
    worker.on('error', (err) => fail(new Error(`embedding worker crashed: ${err.message}`)));
    worker.on('exit', (code) => fail(new Error(`embedding worker exited (code ${code})`)));
    this.refWhileBusy();
  }

  /** Verifies the model directory against its manifest, starts the worker and waits for the warm-up. */
  static async load(options: EmbedderOptions): Promise<Embedder> {
    if (!isValidModelId(options.modelId)) throw new Error(`${JSON.stringify(options.modelId)} is not a model id`);
    const dir = join(options.modelsDir, ...options.modelId.split('/'));
    if (!(await lstat(dir).catch(() => undefined))?.isDirectory()) {
      throw new ModelIntegrityError(
        `embedding model "${options.modelId}" is not installed: ${dir} does not exist. ` +
          'Build it with `./bin/stalking-screener models build` (or `node --import tsx scripts/build-model.ts`), ' +
          'or bring it from another machine with `./bin/stalking-screener models import <dir|tarball>`.',
      );
    }
    const { manifest, problems, digest } = await verifyModelDir(dir);
    if (manifest.id !== options.modelId) problems.push(`manifest id is ${JSON.stringify(manifest.id)}, expected ${JSON.stringify(options.modelId)}`);
    if (problems.length > 0) {
      throw new ModelIntegrityError(
        `embedding model "${options.modelId}" in ${dir} does not match its manifest:\n  - ${problems.join('\n  - ')}\n` +
          'Rebuild it (`models build --force`) or re-import it (`models import`).',
        problems,
      );
    }
    const config: WorkerConfig = {
      modelsDir: options.modelsDir,
      modelId: options.modelId,
      quantized: manifest.quantized,
      pooling: manifest.pooling,
      normalize: manifest.normalize,
      dimensions: manifest.dimensions,
      batchSize: options.batchSize ?? 32,
    };
    const worker = startTypeScriptWorker(new URL('./worker.ts', import.meta.url), config);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (reply: WorkerReply) => {
        if (reply.type === 'ready') done();
        else if (reply.type === 'failed') done(new Error(`embedding model "${options.modelId}" failed to load: ${reply.message}`));
      };
      const onError = (err: Error) => done(new Error(`embedding worker failed to start: ${err.message}`));
      const onExit = (code: number) => done(new Error(`embedding worker exited during load (code ${code})`));
      const done = (err?: Error) => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (err) void worker.terminate().finally(() => reject(err));
        else resolve();
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
    return new Embedder(worker, { id: manifest.id, version: manifest.version, checksum: digest, dimensions: manifest.dimensions });
  }

  info(): ModelInfo {
    return { ...this.model };
  }

  /** One unit-length vector per text (zero vector for a text with no known word), in input order. */
  async embed(texts: string[]): Promise<Float32Array[]> {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new TypeError('embed() takes an array of strings');
    if (texts.length === 0) return [];
    const reply = await this.request((id) => ({ type: 'embed', id, texts }));
    if (reply.type !== 'vectors') throw new Error(`unexpected reply ${reply.type}`);
    const d = this.model.dimensions;
    return texts.map((_, i) => reply.data.slice(i * d, (i + 1) * d));
  }

  /** What the worker's network guard refused so far; empty unless something tried to go online. */
  async networkAttempts(): Promise<string[]> {
    const reply = await this.request((id) => ({ type: 'network', id }));
    return reply.type === 'network' ? reply.attempts : [];
  }

  async close(): Promise<void> {
    this.failure ??= new Error('embedder is closed');
    await this.worker.terminate();
  }

  private request(message: (id: number) => WorkerRequest): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    const { id, reply } = this.replies.add();
    this.refWhileBusy();
    this.worker.postMessage(message(id));
    return reply;
  }

  // An idle worker must not keep a CLI process alive; a busy one must, or a pending embed() would be dropped.
  private refWhileBusy(): void {
    if (this.replies.size > 0) this.worker.ref();
    else this.worker.unref();
  }
}
