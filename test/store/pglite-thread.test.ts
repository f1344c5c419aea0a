// The embedded database's thread: rows and errors come back as PGlite gives them, queries run in
// the order sent, and a thread that dies fails what is in flight and what follows with a
// connection-failure code (which the API answers with 503) instead of leaving requests hanging.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isDatabaseUnavailable } from '../../src/server/errors.ts';
import { startPgliteThread, type PgliteClient } from '../../src/store/pglite-thread.ts';

vi.setConfig({ testTimeout: 60_000 });

describe('PGlite on its own thread', () => {
  let client: PgliteClient | undefined;
  afterEach(async () => {
    await client?.close().catch(() => {});
    client = undefined;
  });

  it('answers rows with their types, keeps query order, and passes errors on with their SQLSTATE code', async () => {
    client = await startPgliteThread('memory://');
    const { rows } = await client.query(`select 1 as n, '{"a":[1,2]}'::jsonb as j, timestamptz '2026-01-02T03:04:05Z' as t, $1::text as p`, ['with a parameter']);
    expect(rows).toEqual([{ n: 1, j: { a: [1, 2] }, t: new Date('2026-01-02T03:04:05Z'), p: 'with a parameter' }]);

    // Sent without waiting: they are run, and numbered by the sequence, in the order sent.
    await client.query('create table t (seq serial, n int primary key)');
    const inserts = Array.from({ length: 20 }, (_, i) => client!.query('insert into t (n) values ($1)', [i]));
    expect((await Promise.all(inserts)).map((r) => r.affectedRows)).toEqual(Array(20).fill(1));
    expect((await client.query('select n from t order by seq')).rows).toEqual(Array.from({ length: 20 }, (_, i) => ({ n: i })));

    const dup = await client.query('insert into t (n) values (1)').catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(Error);
    expect(dup).toMatchObject({ code: '23505', message: expect.stringContaining('duplicate key') });
    expect(isDatabaseUnavailable(dup)).toBe(false);
  });

  it('a thread that dies fails the queries in flight and every later one as the database being unavailable', async () => {
    client = await startPgliteThread('memory://', new URL('../fixtures/crashing-pglite-worker.ts', import.meta.url));
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    const inFlight = client.query('exit now').catch((e: unknown) => e);
    const err = await inFlight;
    expect(err).toMatchObject({ code: '08006' });
    expect(isDatabaseUnavailable(err)).toBe(true);
    await expect(client.query('select 1')).rejects.toMatchObject({ code: '08006' });
    await client.close(); // nothing left to close, and no hang
  });
});
