// A re-screen worker: takes batches from the queue of its screener versions and processes them. Any
// number of these may run, in any number of processes or machines. With `run` it stops once that
// run is finished; without, it serves until stopped.
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { Screener } from '../screening/types.ts';
import type { Store } from '../store/database.ts';
import { ensureQueue, openBoss, rescreenQueue, type RescreenJob } from './boss.ts';
import { DEFAULT_JOB_TIMEOUT_SECONDS, finishIfDone, processBatch } from './rescreen.ts';

export interface WorkerOptions {
  databaseUrl: string;
  store: Store;
  screener: Screener;
  reviewDueHours: number;
  log: FastifyBaseLogger;
  /** Stop when this run is finished. */
  run?: number | undefined;
  /** Stop when this is aborted (SIGTERM): the batch in hand is finished first. */
  signal?: AbortSignal | undefined;
}

export const workerName = () => `${hostname()}:${process.pid}`;

/** How long a worker for one run waits for an unreachable database before it stops. */
const GIVE_UP_MS = 5 * 60_000;

export async function runWorker(opts: WorkerOptions): Promise<{ batches: number }> {
  const { store } = opts;
  let timeout = DEFAULT_JOB_TIMEOUT_SECONDS;
  if (opts.run !== undefined) {
    const run = await store.db.selectFrom('rescreen_runs').select('job_timeout_seconds').where('id', '=', opts.run).executeTakeFirst();
    if (!run) throw new Error(`no rescreen run ${opts.run}`);
    timeout = run.job_timeout_seconds;
  }
  // Expired jobs (their worker died) are retried within about half a job timeout.
  const boss = await openBoss(opts.databaseUrl, { superviseEverySeconds: Math.min(60, Math.max(1, Math.ceil(timeout / 2))) });
  const queue = rescreenQueue(opts.screener.versions);
  await ensureQueue(boss, queue);
  const me = workerName();
  let batches = 0;
  const touched = new Set<number>();
  await boss.work<RescreenJob>(queue, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async (jobs) => {
    for (const job of jobs) {
      const outcome = await processBatch({ store, screener: opts.screener, reviewDueHours: opts.reviewDueHours, log: opts.log }, job.data, me);
      if (outcome.status === 'done') batches++;
      touched.add(job.data.run);
      opts.log.debug({ run: job.data.run, batch: job.data.batch, status: outcome.status, screened: outcome.screened }, 'rescreen batch');
    }
  });

  await new Promise<void>((resolve) => {
    const stop = () => {
      clearInterval(timer);
      resolve();
    };
    let unreachableSince: number | undefined;
    const timer = setInterval(() => {
      void (async () => {
        try {
          for (const run of touched) if (await finishIfDone(store.db, run)) touched.delete(run);
          if (opts.run !== undefined && (await finishIfDone(store.db, opts.run))) stop();
          unreachableSince = undefined;
        } catch {
          // The database is unreachable: try again on the next tick. A worker for one run gives up
          // after a while (its run can be resumed); a serving worker waits for the database.
          unreachableSince ??= Date.now();
          if (opts.run !== undefined && Date.now() - unreachableSince > GIVE_UP_MS) stop();
        }
      })();
    }, 1000);
    opts.signal?.addEventListener('abort', stop, { once: true });
  });
  await boss.stop({ graceful: true, wait: true, timeout: timeout * 1000 }).catch(() => {});
  return { batches };
}
