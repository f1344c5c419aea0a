// The case-history read's plan under the ingest transaction's generic plans: one index probe per
// member, never a scan of every screening stored (a cost that would grow with the whole table).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { caseMembers, caseMembersSql } from '../../src/store/links.ts';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../server/helpers.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe.each(BACKENDS)('case members read on %s', (backend) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(backend);
    // As bench:api leaves them: 5,000 records in 50 cases, each with one screening of about 1.5 KB,
    // and no ANALYZE yet (a new or fast-growing table).
    await sql`insert into records (id, current_version, victim_ref, suspect_ref)
              select 'r' || i, 1, 'V' || (i % 50), 'S' || (i % 50) from generate_series(1, 5000) i`.execute(db.store.db);
    await sql`insert into screenings (record_id, version, trigger, result, flags, stalking_score, s4a_score, risk_level, occasions_min, has_behaviour, versions)
              select 'r' || i, 1, 'ingest', jsonb_build_object('notes', repeat(md5(i::text), 45)), '[]', 0.1, 0, 'standard', i % 3, i % 2 = 0, '{}'
              from generate_series(1, 5000) i`.execute(db.store.db);
  });
  afterAll(() => db?.drop());

  it('probes screenings by index for each member on a generic plan, and reads each member once', async () => {
    const query = caseMembersSql([{ victimRef: 'V7', suspectRef: 'S7' }]).compile(db.store.db);
    const plan = await db.store.transaction(async (trx) => {
      await sql`set local plan_cache_mode = force_generic_plan`.execute(trx);
      await sql.raw(`prepare members_q as ${query.sql}`).execute(trx);
      const params = query.parameters.map((p) => `'{${(p as string[]).join(',')}}'`).join(', ');
      const rows = (await sql.raw<{ 'QUERY PLAN': string }>(`explain execute members_q(${params})`).execute(trx)).rows.map((r) => r['QUERY PLAN']);
      await sql`deallocate members_q`.execute(trx);
      return rows.join('\n');
    });
    // A probe of the record's index entries for each member row (bitmap or plain index scan)...
    expect(plan).toMatch(/Index Scan (using|on) screenings_record_idx/);
    expect(plan).toMatch(/Index Cond: \(record_id = r\.id\)/);
    // ... not a scan of the table hashed against the members.
    expect(plan).not.toMatch(/Seq Scan on screenings/);
    expect(plan).not.toMatch(/Hash/);

    const members = await caseMembers(db.store.db, 'V7', 'S7');
    expect(members.length).toBe(100);
    expect(new Set(members.map((m) => m.record_id)).size).toBe(100);
  });
});
