// Faults in re-screening: a worker process killed in the middle of a job (its job expires and is
// redone), then the whole command killed (running it again resumes the run). Every record ends with
// exactly one re-screen.
import { type ChildProcess, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jobStates, openBoss, rescreenQueue } from '../../src/jobs/boss.ts';
import { duplicateRescreens, seedBackCatalogue } from '../../src/jobs/seed.ts';
import { BACKENDS, createTestDatabase, testScreener, type TestDatabase } from '../server/helpers.ts';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

interface Command {
  child: ChildProcess;
  pids: number[];
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Every process a test started, so none outlives the file if an assertion fails midway. */
const started = new Set<number>();

function rescreen(databaseUrl: string, args: string[]): Command {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'rescreen', ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const pids: number[] = [];
  started.add(child.pid!);
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => {
    err += d;
    for (const m of String(d).matchAll(/worker pid (\d+)/g)) {
      pids.push(Number(m[1]));
      started.add(Number(m[1]));
    }
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, pids, stdout: () => out, stderr: () => err, exit };
}

async function until<T>(what: () => Promise<T | undefined>, ms: number, label: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!BACKENDS.includes('postgres'))('re-screen faults (PostgreSQL, worker processes)', () => {
  let tdb: TestDatabase;
  let url: string;
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    url = tdb.databaseUrl!;
  });
  afterAll(async () => {
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await tdb?.drop();
  });

  it('a worker killed mid-job, then the whole command killed: the same command again finishes the run, each record once', async () => {
    const N = 400;
    const db = tdb.store.db;
    await seedBackCatalogue(db, { n: N, seed: 21, idPrefix: 'kill', until: new Date('2026-02-01T00:00:00Z'), days: 20 });
    const args = ['--workers', '2', '--batch-size', '10', '--job-timeout', '6', '--json', '--from', '2026-01-01', '--to', '2026-02-01'];
    const first = rescreen(url, args);
    const [victim, survivor] = await until(async () => (first.pids.length === 2 ? first.pids : undefined), 90_000, 'two workers');

    // 1. One worker dies without warning inside a batch (started, not committed).
    const batch = await until(
      async () =>
        (await db.selectFrom('rescreen_batches').select(['run_id', 'batch_no']).where('worker', '=', `${hostname()}:${victim}`).where('done_at', 'is', null).executeTakeFirst()) ??
        undefined,
      90_000,
      'the victim to start a batch',
    );
    process.kill(victim!, 'SIGKILL');
    await until(async () => (alive(victim!) ? undefined : true), 10_000, 'the victim to die');
    const doneCount = async () => (await db.selectFrom('rescreen_batches').select(sql<number>`count(done_at)::int`.as('n')).where('run_id', '=', batch.run_id).executeTakeFirstOrThrow()).n;
    // The survivor carries on alone.
    const before = await doneCount();
    await until(async () => ((await doneCount()) >= before + 3 ? true : undefined), 90_000, 'the survivor to finish more batches');

    // 2. Then the machine "crashes": the command and its remaining worker gone at once.
    for (const pid of [first.child.pid!, survivor!]) process.kill(pid, 'SIGKILL');
    await first.exit;
    const doneAtCrash = await doneCount();
    expect(doneAtCrash).toBeLessThan(40);

    // 3. The same command again resumes the run: the killed jobs expire and are redone.
    const second = rescreen(url, args);
    expect(await second.exit).toBe(0);
    expect(second.stderr()).toContain(`rescreen run ${batch.run_id} (resumed)`);
    const summary = JSON.parse(second.stdout().trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ run: batch.run_id, records: N, batches: 40, batches_done: 40, screened: N, skipped: 0 });
    const killed = await db.selectFrom('rescreen_batches').selectAll().where('run_id', '=', batch.run_id).where('batch_no', '=', batch.batch_no).executeTakeFirstOrThrow();
    expect(killed.done_at).not.toBeNull();
    expect(killed.attempts).toBeGreaterThanOrEqual(2);
    expect(killed.worker).not.toBe(`${hostname()}:${victim}`);

    const per = await db.selectFrom('screenings').select(['record_id', sql<number>`count(*)::int`.as('n')]).where('trigger', '=', 'rescreen').groupBy('record_id').execute();
    expect(per).toHaveLength(N);
    expect(per.every((p) => p.n === 1)).toBe(true);
    expect(await duplicateRescreens(db)).toBe(0);
    const boss = await openBoss(url);
    try {
      // Every batch's last job completed (the killed ones after their retry).
      const states = await jobStates(boss, rescreenQueue((await testScreener()).versions), batch.run_id);
      expect(states.completed).toBeGreaterThanOrEqual(40);
      expect(states.created ?? 0).toBe(0);
      expect(states.active ?? 0).toBe(0);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});
