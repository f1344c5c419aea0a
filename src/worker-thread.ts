// Starts a worker thread on a TypeScript entry point. Worker threads do not get tsx's loader (on
// Node 20, `--import tsx` in execArgv still left `.ts` unknown in the worker), so an eval'd
// bootstrap registers tsx before importing the entry point.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** URL of tsx's ESM API (import condition), found through its package.json exports map. */
function tsxEsmApi(): string {
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> };
  const rel = pkg.exports['./esm/api']?.import?.default;
  if (!rel) throw new Error('cannot locate tsx/esm/api to start a TypeScript worker thread');
  return pathToFileURL(join(dirname(pkgPath), rel)).href;
}

/** A worker thread running entry (a .ts module URL) with workerData. */
export function startTypeScriptWorker(entry: URL, workerData: unknown): Worker {
  const source = `import(${JSON.stringify(tsxEsmApi())}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(source, { eval: true, workerData });
}

/**
 * Requests sent to a thread, awaiting their replies by id: each reply settles its request once, and
 * a thread that stops fails every request still waiting (the screening, embedding and database
 * threads all answer this way).
 */
export class PendingReplies<T> {
  #nextId = 1;
  readonly #waiting = new Map<number, { resolve: (reply: T) => void; reject: (err: Error) => void }>();

  /** A new request's id, and the promise its reply settles. */
  add(): { id: number; reply: Promise<T> } {
    const id = this.#nextId++;
    const reply = new Promise<T>((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
    return { id, reply };
  }

  /** Settles request id (a reply for an unknown or settled id is ignored); whether it was waiting. */
  settle(id: number, outcome: { reply: T } | { error: Error }): boolean {
    const waiting = this.#waiting.get(id);
    if (!waiting) return false;
    this.#waiting.delete(id);
    if ('error' in outcome) waiting.reject(outcome.error);
    else waiting.resolve(outcome.reply);
    return true;
  }

  failAll(err: Error): void {
    for (const waiting of this.#waiting.values()) waiting.reject(err);
    this.#waiting.clear();
  }

  get size(): number {
    return this.#waiting.size;
  }
}
