// The ingest transaction's locks on both backends: taken and released with the transaction, and the
// transaction (only it) runs its prepared statements on generic plans without sequential scans or
// hash joins.
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

  const KEYED = 'force_generic_plan/off/off';
  const DEFAULT = 'auto/on/on';
  /** plan_cache_mode/enable_seqscan/enable_hashjoin as the transaction sees them. */
  const planMode = async (trx: Parameters<typeof lockNames>[0]) =>
    (
      await sql<{ s: string }>`select current_setting('plan_cache_mode') || '/' || current_setting('enable_seqscan') || '/' || current_setting('enable_hashjoin') as s`.execute(trx)
    ).rows[0]!.s;
  const advisoryLocks = async (trx: Parameters<typeof lockNames>[0]) =>
    Number((await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()`.execute(trx)).rows[0]!.n);

  it('takes one advisory lock per distinct name and, when asked, keyed generic plans for the rest of the transaction', async () => {
    const seen = await db.store.transaction(async (trx) => {
      const before = await planMode(trx);
      await lockNames(trx, ['record:a', 'record:b', 'record:a', 'case:V|S'], true);
      return { before, during: await planMode(trx), locks: await advisoryLocks(trx) };
    });
    expect(seen).toEqual({ before: DEFAULT, during: KEYED, locks: 3 });
    // Both end with the transaction.
    const after = await db.store.transaction(async (trx) => ({ mode: await planMode(trx), locks: await advisoryLocks(trx) }));
    expect(after).toEqual({ mode: DEFAULT, locks: 0 });
  });

  it('leaves the plans alone unless asked, and sets them with no names to lock', async () => {
    const plain = await db.store.transaction(async (trx) => {
      await lockNames(trx, ['record:a']);
      return planMode(trx);
    });
    expect(plain).toBe(DEFAULT);
    const none = await db.store.transaction(async (trx) => {
      await lockNames(trx, [], true);
      return { mode: await planMode(trx), locks: await advisoryLocks(trx) };
    });
    expect(none).toEqual({ mode: KEYED, locks: 0 });
  });
});
