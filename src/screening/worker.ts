// The rules screening thread (see threaded.ts): loads the catalogue once and screens the records
// of each message. Kept apart from the server's thread, the matcher's tables and compiled expressions
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
/** What the thread says once, on start-up. */
export type ScreeningStatus = { type: 'ready'; catalogueVersion: string } | { type: 'failed'; message: string };
/** One record's outcome; they travel as an array, one per record of a request message. */
export type ScreeningOutcome = { type: 'result'; id: number; result: ScreeningResult } | { type: 'error'; id: number; name: string; stack: string };

const port = parentPort!;
const config = workerData as ScreeningWorkerConfig;
const send = (status: ScreeningStatus) => port.postMessage(status);

try {
  const catalogue = loadCatalogue(config.catalogueDir);
  // Compiles the expressions the way a first record would, so the first real record is not slow.
  analyse({ id: 'warm-up', text: 'He keeps following me home and texting my sister; I am scared.' }, catalogue, config.scorer, config.thresholds);
  // A message carries the records asked for in one turn of the server's event loop; their results
  // go back in one message.
  port.on('message', (batch: ScreeningRequest[]) => {
    const replies: ScreeningOutcome[] = [];
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
