// Embedded PGlite on a thread of its own. PGlite executes SQL synchronously on the thread that owns
// it, so in the server's thread every ingest's SQL (about 1.5 ms) queued behind and in front of the
// HTTP work: at 300 ingests/s that thread was 88% busy and p99 was 0.5-1.8 s (README, Speed). Here
// the server's thread only posts each query and receives its rows.
//
// The client offers what kysely-pglite-dialect uses of a PGlite instance: query(sql, params) and
// close(). Queries run in the order sent. If the thread dies, every query in flight and every later
// one fails with a connection-failure code, which the API answers with 503 (errors.ts).
import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from '../worker-thread.ts';
import type { PgliteError, PgliteReply, PgliteRequest } from './pglite-worker.ts';

export interface PgliteClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>;
  close(): Promise<void>;
}

type Pending = { resolve: (r: { rows: unknown[]; affectedRows?: number }) => void; reject: (e: Error) => void };

const toError = (e: PgliteError) => Object.assign(new Error(e.message), e.fields, { name: e.name });

/**
 * Starts the thread and opens the database in dataDir (a folder, or 'memory://'). `entry` is the
 * thread's module (default ./pglite-worker.ts); tests give one that can be made to crash.
 */
export async function startPgliteThread(dataDir: string, entry = new URL('./pglite-worker.ts', import.meta.url)): Promise<PgliteClient> {
  const thread: Worker = startTypeScriptWorker(entry, dataDir);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let stopped: Error | undefined;

  await new Promise<void>((resolve, reject) => {
    thread.on('message', (reply: PgliteReply) => {
      if (reply.type === 'ready') return resolve();
      if (reply.type === 'failed') return reject(toError(reply.error));
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (reply.type === 'error') p.reject(toError(reply.error));
      else if (reply.type === 'result') p.resolve({ rows: reply.rows, ...(reply.affectedRows !== undefined ? { affectedRows: reply.affectedRows } : {}) });
      else p.resolve({ rows: [] });
    });
    thread.on('error', reject); // followed by 'exit'
    thread.once('exit', (code) => {
      stopped = Object.assign(new Error(`the embedded database's thread stopped (code ${code})`), { code: '08006' });
      reject(stopped);
      for (const p of pending.values()) p.reject(stopped);
      pending.clear();
    });
  });

  const send = (request: Omit<PgliteRequest, 'id'>) =>
    new Promise<{ rows: unknown[]; affectedRows?: number }>((resolve, reject) => {
      if (stopped) return reject(stopped);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      thread.postMessage({ ...request, id });
    });

  return {
    query: (sql, params = []) => send({ sql, params }),
    async close() {
      if (stopped) return;
      await send({ close: true });
      await thread.terminate();
    },
  };
}
