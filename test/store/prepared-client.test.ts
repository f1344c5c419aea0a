// Statements used more than once become named prepared statements on a real PostgreSQL connection,
// and still return the right rows for each call's own parameters.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PreparingClient, statementName } from '../../src/store/prepared-client.ts';

const URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('statementName', () => {
  it('names a statement from its second use, the same name every time after', () => {
    const text = `select $1::int + ${randomBytes(4).readUInt32LE()} as x`;
    expect(statementName(text)).toBeUndefined();
    const name = statementName(text);
    expect(name).toMatch(/^s_[0-9a-f]{20}$/);
    expect(statementName(text)).toBe(name);
    const other = `${text} -- other`;
    statementName(other);
    expect(statementName(other)).not.toBe(name);
  });
});

describe.skipIf(process.env.SKIP_POSTGRES_TESTS === '1')('PreparingClient on PostgreSQL', () => {
  it('prepares a repeated statement once per connection and binds each call’s parameters', async () => {
    const client = new PreparingClient({ connectionString: URL });
    await client.connect();
    try {
      const text = `select $1::int * 2 as doubled, $2::text as label -- ${randomBytes(4).toString('hex')}`;
      const results = [];
      for (let i = 0; i < 5; i++) results.push((await client.query(text, [i, `n${i}`])).rows[0]);
      expect(results).toEqual([0, 1, 2, 3, 4].map((i) => ({ doubled: i * 2, label: `n${i}` })));
      const prepared = await client.query('select name, statement from pg_prepared_statements');
      expect(prepared.rows).toEqual([{ name: statementName(text), statement: text }]);
      // Without parameters (BEGIN, COMMIT) nothing is prepared.
      await client.query('select 1');
      await client.query('select 1');
      expect((await client.query('select count(*)::int as n from pg_prepared_statements')).rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
  });

  it("sends a transaction's BEGIN with its first statement when that has no parameters, else on its own", async () => {
    // Count what reaches the wire-level query(): one call is one round trip.
    const sent: string[] = [];
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const first = args[0];
      sent.push(typeof first === 'string' ? first : (first as { text: string }).text);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    const client = new PreparingClient({ connectionString: URL });
    const other = new pg.Client({ connectionString: URL });
    pg.Client.prototype.query = original;
    await client.connect();
    await other.connect();
    const key = 1_000_000 + randomBytes(3).readUIntLE(0, 3);
    const tryLock = async () => (await other.query('select pg_try_advisory_lock($1::bigint) as got', [key])).rows[0].got as boolean;
    try {
      await client.query('create temp table t (x int)', []);
      sent.length = 0;
      // Locks first, as the ingest does: BEGIN and the lock go as one statement.
      await client.query('begin', []);
      expect(sent).toEqual([]);
      const locked = await client.query(`select count(pg_advisory_xact_lock(k)) as n from (values (${key}::bigint)) as v(k)`, []);
      expect(locked.rows).toEqual([{ n: '1' }]);
      expect(await tryLock()).toBe(false); // held by the open transaction
      await client.query('insert into t values ($1)', [1]);
      await client.query('rollback', []);
      expect(sent).toHaveLength(3);
      expect(sent[0]).toMatch(/^begin;\nselect count/);
      expect((await client.query('select count(*)::int as n from t', [])).rows[0].n).toBe(0); // rolled back
      expect(await tryLock()).toBe(true); // released with the transaction
      await other.query('select pg_advisory_unlock_all()');

      // A first statement with parameters: BEGIN goes first, on its own, and the transaction still holds.
      sent.length = 0;
      await client.query('begin', []);
      await client.query('insert into t values ($1)', [2]);
      await client.query('commit', []);
      expect(sent).toEqual(['begin', 'insert into t values ($1)', 'commit']);
      expect((await client.query('select array_agg(x)::int[] as xs from t', [])).rows[0].xs).toEqual([2]);
    } finally {
      await client.end();
      await other.end();
    }
  });
});
