// The ingest transaction's locks on both backends: taken and released with the transaction, and the
// transaction (only it) runs its prepared statements on generic plans.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { lockNames } from '../../src/store/records.ts';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../server/helpers.ts';

vi.setConfig({ testTimeout: 60_000 });

describe.each(BACKENDS)('lockNames on %s', (backend) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(backend);
  });
  afterAll(() => db?.drop());

  const planMode = async (trx: Parameters<typeof lockNames>[0]) => (await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(trx)).rows[0]!.plan_cache_mode;
  const advisoryLocks = async (trx: Parameters<typeof lockNames>[0]) =>
    Number((await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()`.execute(trx)).rows[0]!.n);

  it('takes one advisory lock per distinct name and, when asked, generic plans for the rest of the transaction', async () => {
    const mode = backend === 'postgres' ? 'with-locks' : 'apart';
    const seen = await db.store.transaction(async (trx) => {
      const before = await planMode(trx);
      await lockNames(trx, ['record:a', 'record:b', 'record:a', 'case:V|S'], mode);
      return { before, during: await planMode(trx), locks: await advisoryLocks(trx) };
    });
    expect(seen).toEqual({ before: 'auto', during: 'force_generic_plan', locks: 3 });
    // Both end with the transaction.
    const after = await db.store.transaction(async (trx) => ({ mode: await planMode(trx), locks: await advisoryLocks(trx) }));
    expect(after).toEqual({ mode: 'auto', locks: 0 });
  });

  it('leaves the plans alone unless asked, and sets them with no names to lock', async () => {
    const plain = await db.store.transaction(async (trx) => {
      await lockNames(trx, ['record:a']);
      return planMode(trx);
    });
    expect(plain).toBe('auto');
    const none = await db.store.transaction(async (trx) => {
      await lockNames(trx, [], backend === 'postgres' ? 'with-locks' : 'apart');
      return { mode: await planMode(trx), locks: await advisoryLocks(trx) };
    });
    expect(none).toEqual({ mode: 'force_generic_plan', locks: 0 });
  });
});
