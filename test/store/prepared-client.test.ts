// Statements used more than once become named prepared statements on a real PostgreSQL connection,
// and still return the right rows for each call's own parameters.
import { randomBytes } from 'node:crypto';
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
});
