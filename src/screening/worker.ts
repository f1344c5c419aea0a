// The screening thread (see threaded.ts): loads the stages once and screens the records of each
// message. Kept apart from the server's thread, the matcher's tables and compiled expressions stay in
// their core's caches instead of being evicted by HTTP and database work between records, and the
// text model's onnxruntime calls never hold the request thread.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCatalogue } from '../rules/compile.ts';
import { createCombinedCore, type BatchScreener } from './combined.ts';
import { createRulesScreener } from './pipeline.ts';
import { rulesThresholds, type ScorerModel } from './score.ts';
import type { ScreeningRecord, ScreeningResult, Thresholds } from './types.ts';

export interface ScreeningWorkerConfig {
  /** 'rules' alone, or 'combined' (rules and the text model: the default screener). */
  mode: 'rules' | 'combined';
  catalogueDir?: string;
  scorer: ScorerModel;
  thresholds?: Partial<Thresholds>;
}
export type ScreeningRequest = { id: number; record: ScreeningRecord };
/** What the thread says once, on start-up. */
export type ScreeningStatus =
  | { type: 'ready'; versions: ScreeningResult['versions']; thresholds: Thresholds }
  | { type: 'failed'; message: string };
/** One record's outcome; they travel as an array, one per record of a request message. */
export type ScreeningOutcome = { type: 'result'; id: number; result: ScreeningResult } | { type: 'error'; id: number; name: string; stack: string };

const port = parentPort!;
const config = workerData as ScreeningWorkerConfig;
const send = (status: ScreeningStatus) => port.postMessage(status);

function rulesCore(): BatchScreener {
  const rules = createRulesScreener(loadCatalogue(config.catalogueDir), config.scorer, rulesThresholds(config.scorer, config.thresholds));
  return { ...rules, screenBatch: (records) => Promise.all(records.map((r) => rules.screen(r))) };
}

/** The error's type and stack frames only: its message could quote the text. */
const failure = (id: number, err: unknown): ScreeningOutcome => {
  const e = err instanceof Error ? err : new Error(String(err));
  return { type: 'error', id, name: e.name, stack: e.stack?.split('\n').slice(1).join('\n') ?? '' };
};

try {
  const core = config.mode === 'combined' ? await createCombinedCore({ catalogueDir: config.catalogueDir, scorer: config.scorer, thresholds: config.thresholds }) : rulesCore();
  // Compiles the expressions and warms the model the way a first record would, so the first real record is not slow.
  await core.screenBatch([{ id: 'warm-up', text: 'He keeps following me home and texting my sister; I am scared.' }]);
  // A message carries the records asked for in one turn of the server's event loop; their results
  // go back in one message. If the batch fails as a whole, each record is tried alone so only the
  // record that fails gets the error.
  port.on('message', (batch: ScreeningRequest[]) => {
    void core.screenBatch(batch.map((b) => b.record)).then(
      (results) => port.postMessage(batch.map(({ id }, i): ScreeningOutcome => ({ type: 'result', id, result: results[i]! }))),
      async () => {
        const replies: ScreeningOutcome[] = [];
        for (const { id, record } of batch) {
          try {
            replies.push({ type: 'result', id, result: (await core.screenBatch([record]))[0]! });
          } catch (err) {
            replies.push(failure(id, err));
          }
        }
        port.postMessage(replies);
      },
    );
  });
  send({ type: 'ready', versions: core.versions, thresholds: core.thresholds });
} catch (err) {
  send({ type: 'failed', message: (err as Error).message });
}
