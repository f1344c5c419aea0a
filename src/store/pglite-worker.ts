// The embedded database's thread (see pglite-thread.ts): opens PGlite on the folder given as
// workerData and runs each query it is sent, in order, answering with the rows or the error's fields.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

export type PgliteRequest = { id: number; sql: string; params: unknown[] } | { id: number; close: true };
/** The error's own fields (code, detail, constraint, ...), so callers can tell a retry from a bug. */
export type PgliteError = { name: string; message: string; fields: Record<string, unknown> };
export type PgliteReply =
  | { type: 'ready' }
  | { type: 'failed'; error: PgliteError }
  | { type: 'result'; id: number; rows: unknown[]; affectedRows?: number }
  | { type: 'error'; id: number; error: PgliteError }
  | { type: 'closed'; id: number };

const port = parentPort!;
const send = (reply: PgliteReply) => port.postMessage(reply);

function describeError(err: unknown): PgliteError {
  const e = err instanceof Error ? err : new Error(String(err));
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) fields[k] = v;
  return { name: e.name, message: e.message, fields };
}

try {
  const db = await PGlite.create(workerData as string);
  port.on('message', (request: PgliteRequest) => {
    if ('close' in request) {
      void db.close().finally(() => send({ type: 'closed', id: request.id }));
      return;
    }
    // PGlite runs one query at a time; these queue in arrival order.
    db.query(request.sql, request.params).then(
      (r) => send({ type: 'result', id: request.id, rows: r.rows, ...(r.affectedRows !== undefined ? { affectedRows: r.affectedRows } : {}) }),
      (err: unknown) => send({ type: 'error', id: request.id, error: describeError(err) }),
    );
  });
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'failed', error: describeError(err) });
}
