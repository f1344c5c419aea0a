// Opens the database: PostgreSQL through `pg` when DATABASE_URL is set, otherwise embedded PGlite in
// DATA_DIR. Both run the same migrations and the same Kysely queries.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql, type Migration, type MigrationProvider, type Transaction } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { startPgliteThread } from './pglite-thread.ts';
import { PreparingClient } from './prepared-client.ts';
import * as m0001 from './migrations/0001_initial.ts';
import * as m0002 from './migrations/0002_rescreen.ts';
import type { Database } from './schema.ts';

export type Backend = 'pglite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly backend: Backend;
  /** Runs fn in a transaction, retrying on serialisation failures and deadlocks. */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  databaseUrl?: string | undefined;
  /** PGlite only: a folder, or 'memory://' for a throwaway in-memory database (tests). */
  dataDir: string;
  /** Run pending migrations on open (default true). */
  migrate?: boolean;
}

// Migrations are listed here rather than read from the folder at run time, so the set is fixed by the code.
const migrations: Record<string, Migration> = { '0001_initial': m0001, '0002_rescreen': m0002 };
const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`);
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const { db, backend, releaseLock } = options.databaseUrl
    ? openPostgres(options.databaseUrl)
    : await openPglite(options.dataDir);
  try {
    if (options.migrate !== false) await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    releaseLock();
    throw err;
  }
  let closed = false;
  return {
    db,
    backend,
    transaction: (fn) => withRetry(() => db.transaction().execute(fn)),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.destroy();
      } finally {
        releaseLock();
      }
    },
  };
}

function openPostgres(url: string) {
  // int8 (count, bigint) as number: the counts here never approach 2^53.
  pg.types.setTypeParser(20, (v) => Number(v));
  const pool = new pg.Pool({ connectionString: url, max: 10, Client: PreparingClient });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // Nor a checked-out client between two statements of a transaction (the database crashed or was
  // stopped): without a listener its 'error' event is an uncaught exception. The statement in hand
  // fails, the request answers 503, and the broken client is discarded on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, backend: 'postgres' as const, releaseLock: () => {} };
}

async function openPglite(dataDir: string) {
  // The dialect queues every connection request on PGlite's single connection, so concurrent
  // requests and transactions are serialised rather than interleaved. It uses only query() and
  // close() of the instance, which the thread's client provides.
  const open = async (where: string) => new Kysely<Database>({ dialect: new PGliteDialect((await startPgliteThread(where)) as unknown as PGlite) });
  if (dataDir === 'memory://') return { db: await open('memory://'), backend: 'pglite' as const, releaseLock: () => {} };
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const releaseLock = acquireDirLock(join(dir, 'screener.lock'));
  try {
    return { db: await open(join(dir, 'pgdata')), backend: 'pglite' as const, releaseLock };
  } catch (err) {
    releaseLock();
    throw err;
  }
}

/** The embedded database's folder is held by another live process (a running server). */
export class DatabaseInUseError extends Error {
  constructor(
    message: string,
    readonly pid: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DatabaseInUseError';
  }
}

/**
 * PGlite is a single-process database: two processes writing one data folder would corrupt it.
 * A pid lock file turns that into a clear error ("stop the server first") instead.
 */
function acquireDirLock(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(path, 'utf8').trim());
      // Our own pid too: a second PGlite on the same folder in one process corrupts it just the same.
      if (pid && isAlive(pid)) {
        throw new DatabaseInUseError(
          `the embedded database in ${path.replace(/screener\.lock$/, '')} is in use by process ${pid}; stop it first, or set DATABASE_URL to share a PostgreSQL database`,
          pid,
          { cause: err },
        );
      }
      rmSync(path, { force: true }); // stale lock from a process that died
    }
  }
  throw new Error(`could not lock ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

async function withRetry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (i >= attempts || !code || !RETRYABLE.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 5 * i + Math.random() * 20));
    }
  }
}
