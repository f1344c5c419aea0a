// The embedding worker thread: one transformers.js pipeline, loaded once, warmed up, then serving
// embed requests one at a time so the main event loop never runs the model.
import { parentPort, workerData } from 'node:worker_threads';
import { installNetworkGuard } from './network-guard.ts';
import type { ExtractorConfig } from './feature-extractor.ts';

export interface WorkerConfig extends ExtractorConfig {
  dimensions: number;
  batchSize: number;
}

export type WorkerRequest = { type: 'embed'; id: number; texts: string[] } | { type: 'network'; id: number };
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'vectors'; id: number; data: Float32Array }
  | { type: 'network'; id: number; attempts: string[] }
  | { type: 'error'; id: number; message: string };

const port = parentPort!;
const config = workerData as WorkerConfig;
// Installed before transformers.js is imported, so nothing it does at load time escapes the guard.
const guard = installNetworkGuard('the embedding worker');
const send = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

try {
  const { loadFeatureExtractor, embedAll } = await import('./feature-extractor.ts');
  const extract = await loadFeatureExtractor(config);
  await embedAll(extract, ['warm-up: he keeps following me home'], 1, config.dimensions);
  let queue = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    queue = queue.then(async () => {
      if (request.type === 'network') {
        send({ type: 'network', id: request.id, attempts: [...guard.attempts] });
        return;
      }
      try {
        const data = await embedAll(extract, request.texts, config.batchSize, config.dimensions);
        send({ type: 'vectors', id: request.id, data }, [data.buffer as ArrayBuffer]);
      } catch (err) {
        send({ type: 'error', id: request.id, message: err instanceof Error ? err.message : String(err) });
      }
    });
  });
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}
