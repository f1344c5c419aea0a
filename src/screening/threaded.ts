// Screening (rules, or the default rules + text model) on a worker thread, behind the same Screener interface. The server's thread then
// spends no time matching; measured in the server, a record's screening took about twice as long
// on the request thread as in a loop of screenings alone, its tables evicted by the request work
// in between (README, Speed). If the thread dies, the requests in flight fail (the ingest path
// stores such records as SCREENING_FAILED) and the next record starts a new thread.
import type { Worker } from 'node:worker_threads';
import { PendingReplies, startTypeScriptWorker } from '../worker-thread.ts';
import { rulesThresholds, type ScorerModel } from './score.ts';
import type { Screener, ScreeningRecord, ScreeningResult, Thresholds } from './types.ts';
import type { ScreeningOutcome, ScreeningRequest, ScreeningStatus, ScreeningWorkerConfig } from './worker.ts';

export interface ThreadedScreenerOptions {
  /** 'rules' alone, or 'combined' (the default screener: rules and the text model). */
  mode: 'rules' | 'combined';
  catalogueDir?: string;
  scorer: ScorerModel;
  thresholds?: Partial<Thresholds>;
  /** The thread's entry module (default ./worker.ts); tests give one that can be made to crash. */
  entry?: URL;
}

export async function createThreadedScreener(options: ThreadedScreenerOptions): Promise<Screener> {
  const config: ScreeningWorkerConfig = { mode: options.mode, catalogueDir: options.catalogueDir, scorer: options.scorer, thresholds: options.thresholds };
  const replies = new PendingReplies<ScreeningResult>();
  let closed = false;

  let worker: Promise<Worker> | undefined;
  // The thread loads the stages and reports their versions and thresholds, so this thread never loads them.
  let versions: ScreeningResult['versions'] = { rules: '', model: 'none', scorer: options.scorer.id };
  let thresholds: Thresholds = rulesThresholds(options.scorer, options.thresholds);
  const start = (): Promise<Worker> => {
    const thread = startTypeScriptWorker(options.entry ?? new URL('./worker.ts', import.meta.url), config);
    const ready = new Promise<Worker>((resolve, reject) => {
      thread.on('message', (message: ScreeningStatus | ScreeningOutcome[]) => {
        if (Array.isArray(message)) for (const outcome of message) settle(outcome);
        else if (message.type === 'ready') {
          versions = message.versions;
          thresholds = message.thresholds;
          resolve(thread);
        } else reject(new Error(`the screening thread failed to start: ${message.message}`));
      });
      thread.on('error', (err) => reject(err)); // followed by 'exit', which fails what is in flight
      thread.once('exit', (code) => {
        reject(new Error(`the screening thread exited during start-up (code ${code})`));
        if (worker === ready) worker = undefined; // the next record starts a new thread
        replies.failAll(new Error(`the screening thread stopped (code ${code})`));
      });
    });
    return ready;
  };

  // Records asked for in one turn of the event loop go to the thread in one message, and their
  // results come back in one: each message wakes the other thread, which cost more than the
  // copying (postMessage was a tenth of the request thread's busy time at 150 ingests/s).
  let outbox: ScreeningRequest[] = [];
  let outboxThread: Worker | undefined;
  const flush = () => {
    const batch = outbox;
    outbox = [];
    if (batch.length) outboxThread?.postMessage(batch);
  };
  const enqueue = (thread: Worker, request: ScreeningRequest) => {
    if (outboxThread !== thread) flush();
    outboxThread = thread;
    if (outbox.push(request) === 1) setImmediate(flush);
  };

  const settle = (outcome: ScreeningOutcome) =>
    replies.settle(
      outcome.id,
      outcome.type === 'result'
        ? { reply: outcome.result }
        : { error: Object.assign(new Error('screening failed in the screening thread'), { name: outcome.name, stack: `${outcome.name}\n${outcome.stack}` }) },
    );

  worker = start();
  await worker;

  return {
    get thresholds() {
      return thresholds;
    },
    get versions() {
      return versions;
    },
    async screen(record: ScreeningRecord) {
      if (closed) throw new Error('the screener is closed');
      worker ??= start();
      const thread = await worker;
      const { id, reply } = replies.add();
      enqueue(thread, { id, record: { id: record.id, text: record.text, recorded_as: record.recorded_as, relationship: record.relationship } });
      return reply;
    },
    async close() {
      closed = true;
      const thread = await worker?.catch(() => undefined);
      await thread?.terminate();
    },
  };
}
