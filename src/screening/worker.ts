// The rules screening thread (see threaded.ts): loads the catalogue once and screens one record
// per message. Kept apart from the server's thread, the matcher's tables and compiled expressions
// stay in their core's caches instead of being evicted by HTTP and database work between records.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCatalogue } from '../rules/compile.ts';
import { analyse } from './pipeline.ts';
import type { ScorerModel } from './score.ts';
import type { ScreeningRecord, ScreeningResult } from './types.ts';

export interface ScreeningWorkerConfig {
  catalogueDir?: string;
  scorer: ScorerModel;
  thresholds: { stalking: number; s4a: number };
}
export type ScreeningRequest = { id: number; record: ScreeningRecord };
export type ScreeningReply =
  | { type: 'ready'; catalogueVersion: string }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; result: ScreeningResult }
  | { type: 'error'; id: number; name: string; stack: string };

const port = parentPort!;
const config = workerData as ScreeningWorkerConfig;
const send = (reply: ScreeningReply) => port.postMessage(reply);

try {
  const catalogue = loadCatalogue(config.catalogueDir);
  // Compiles the expressions the way a first record would, so the first real record is not slow.
  analyse({ id: 'warm-up', text: 'He keeps following me home and texting my sister; I am scared.' }, catalogue, config.scorer, config.thresholds);
  // A message carries the records asked for in one turn of the server's event loop; their results
  // go back in one message.
  port.on('message', (batch: ScreeningRequest[]) => {
    const replies: ScreeningReply[] = [];
    for (const { id, record } of batch) {
      try {
        replies.push({ type: 'result', id, result: analyse(record, catalogue, config.scorer, config.thresholds).result });
      } catch (err) {
        // The error's type and stack frames only: its message could quote the text.
        const e = err instanceof Error ? err : new Error(String(err));
        replies.push({ type: 'error', id, name: e.name, stack: e.stack?.split('\n').slice(1).join('\n') ?? '' });
      }
    }
    port.postMessage(replies);
  });
  send({ type: 'ready', catalogueVersion: catalogue.version });
} catch (err) {
  send({ type: 'failed', message: (err as Error).message });
}
