// The ingest read's plans as the ingest transaction makes them (generic, made once per connection):
// keyed index lookups, never a scan of a whole table, whether the plan was made while the tables
// were empty or once they had grown.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Kysely, sql } from 'kysely';
import { ingestStateSql } from '../../src/store/ingest.ts';
import { caseMembers, caseMembersSql } from '../../src/store/links.ts';
import { lockNames } from '../../src/store/records.ts';
import type { Database } from '../../src/store/schema.ts';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../server/helpers.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

type Query = { sql: string; parameters: readonly unknown[] };

/** EXPLAIN of a prepared statement's plan inside a transaction set up as the ingest sets it up. */
async function ingestPlan(db: TestDatabase, query: Query): Promise<string> {
  return db.store.transaction(async (trx) => {
    await lockNames(trx, ['record:plan-test'], true);
    await sql.raw(`prepare plan_q as ${query.sql}`).execute(trx);
    const params = query.parameters.map((p) => `'{${(p as string[]).join(',')}}'`).join(', ');
    const rows = (await sql.raw<{ 'QUERY PLAN': string }>(`explain execute plan_q(${params})`).execute(trx)).rows.map((r) => r['QUERY PLAN']);
    await sql`deallocate plan_q`.execute(trx);
    return rows.join('\n');
  });
}

/** As bench:api leaves the tables: records in 50 cases, each with one screening of about 1.5 KB, no ANALYZE yet. */
async function fill(db: Kysely<Database>, records: number) {
  await sql`insert into records (id, current_version, victim_ref, suspect_ref)
            select 'r' || i, 1, 'V' || (i % 50), 'S' || (i % 50) from generate_series(1, ${records}::int) i`.execute(db);
  await sql`insert into record_versions (record_id, version, content_hash, payload)
            select 'r' || i, 1, md5(i::text), '{}' from generate_series(1, ${records}::int) i`.execute(db);
  await sql`insert into screenings (record_id, version, trigger, result, flags, stalking_score, s4a_score, risk_level, occasions_min, has_behaviour, versions)
            select 'r' || i, 1, 'ingest', jsonb_build_object('notes', repeat(md5(i::text), 45)), '[]', 0.1, 0, 'standard', i % 3, i % 2 = 0, '{}'
            from generate_series(1, ${records}::int) i`.execute(db);
}

const noScans = (plan: string) => {
  expect(plan).not.toMatch(/Seq Scan on (records|record_versions|screenings)/);
  expect(plan).not.toMatch(/Hash/);
};

describe.each(BACKENDS)('ingest read plans on %s', (backend) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(backend);
  });
  afterAll(() => db?.drop());

  it('made while the tables are empty, the whole read still looks records up by key', async () => {
    // On empty tables a scan is the cheapest plan, and a generic plan made now would be kept for
    // the connection's life while the tables grow.
    const plan = await ingestPlan(db, ingestStateSql(['r1', 'r2'], [{ victimRef: 'V1', suspectRef: 'S1' }]).compile(db.store.db));
    expect(plan).toMatch(/Index Scan using records_pkey on records|Bitmap Index Scan on records_pkey/);
    noScans(plan);
  });

  it('made once the tables have grown, each member costs one index probe of its screenings, and each is read once', async () => {
    await fill(db.store.db, 5000);
    const plan = await ingestPlan(db, caseMembersSql([{ victimRef: 'V7', suspectRef: 'S7' }]).compile(db.store.db));
    // A probe of the record's index entries for each member row (bitmap or plain index scan)...
    expect(plan).toMatch(/Index Scan (using|on) screenings_record_idx/);
    expect(plan).toMatch(/Index Cond: \(record_id = r\.id\)/);
    // ... not a scan of the table hashed against the members.
    noScans(plan);

    const members = await caseMembers(db.store.db, 'V7', 'S7');
    expect(members.length).toBe(100);
    expect(new Set(members.map((m) => m.record_id)).size).toBe(100);
  });
});
