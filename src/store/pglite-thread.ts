// Embedded PGlite on a thread of its own. PGlite executes SQL synchronously on the thread that owns
// it, so in the server's thread every ingest's SQL (about 1.5 ms) queued behind and in front of the
// HTTP work: at 300 ingests/s that thread was 88% busy and p99 was 0.5-1.8 s (README, Speed). Here
// the server's thread only posts each query and receives its rows.
//
// The client offers what kysely-pglite-dialect uses of a PGlite instance: query(sql, params) and
// close(). Queries run in the order sent. If the thread dies, every query in flight and every later
// one fails with a connection-failure code, which the API answers with 503 (errors.ts).
import type { Worker } from 'node:worker_threads';
import { PendingReplies, startTypeScriptWorker } from '../worker-thread.ts';
import type { PgliteError, PgliteReply, PgliteRequest } from './pglite-worker.ts';

type QueryResult = { rows: unknown[]; affectedRows?: number };

export interface PgliteClient {
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  close(): Promise<void>;
}

const toError = (e: PgliteError) => Object.assign(new Error(e.message), e.fields, { name: e.name });

/**
 * Starts the thread and opens the database in dataDir (a folder, or 'memory://'). `entry` is the
 * thread's module (default ./pglite-worker.ts); tests give one that can be made to crash.
 */
export async function startPgliteThread(dataDir: string, entry = new URL('./pglite-worker.ts', import.meta.url)): Promise<PgliteClient> {
  const thread: Worker = startTypeScriptWorker(entry, dataDir);
  const replies = new PendingReplies<QueryResult>();
  let stopped: Error | undefined;

  await new Promise<void>((resolve, reject) => {
    thread.on('message', (reply: PgliteReply) => {
      if (reply.type === 'ready') return resolve();
      if (reply.type === 'failed') return reject(toError(reply.error));
      if (reply.type === 'error') replies.settle(reply.id, { error: toError(reply.error) });
      else if (reply.type === 'result') replies.settle(reply.id, { reply: { rows: reply.rows, ...(reply.affectedRows !== undefined ? { affectedRows: reply.affectedRows } : {}) } });
      else replies.settle(reply.id, { reply: { rows: [] } });
    });
    thread.on('error', reject); // followed by 'exit'
    thread.once('exit', (code) => {
      stopped = Object.assign(new Error(`the embedded database's thread stopped (code ${code})`), { code: '08006' });
      reject(stopped);
      replies.failAll(stopped);
    });
  });

  const send = (request: Omit<PgliteRequest, 'id'>): Promise<QueryResult> => {
    if (stopped) return Promise.reject(stopped);
    const { id, reply } = replies.add();
    thread.postMessage({ ...request, id });
    return reply;
  };

  return {
    query: (sql, params = []) => send({ sql, params }),
    async close() {
      if (stopped) return;
      await send({ close: true });
      await thread.terminate();
    },
  };
}
