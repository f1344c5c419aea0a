// Fault: PostgreSQL stops (a crash: pg_ctl -m immediate) while ingest requests are in flight. Write
// paths answer 503 with Retry-After and the DATABASE_UNAVAILABLE code, never a 500; no partial record
// is left (every stored version has its screening, every stored record is in an audit entry); when
// the database comes back the same server serves again, and re-sending the refused records works.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from '../../src/store/database.ts';
import { keyFor, testApp } from '../server/helpers.ts';
import { postgresBin, startPrivatePostgres, type PrivatePostgres } from './private-postgres.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const TEXT = 'He keeps turning up at her work and has sent 40 messages since she blocked him. She is frightened to leave the house.';
const record = (id: string, i: number) => ({ id, text: `${TEXT} Entry ${i}.`, recorded_as: 'Malicious Communications', victim_ref: `v${i % 7}`, suspect_ref: `s${i % 7}` });

describe.skipIf(!postgresBin())('PostgreSQL stopped under load', () => {
  let pg: PrivatePostgres;
  let store: Store;
  let app: FastifyInstance;
  let auth: { authorization: string };

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    store = await openStore({ databaseUrl: pg.url, dataDir: 'unused' });
    app = await testApp(store);
    ({ auth } = await keyFor(store, 'admin'));
  });
  afterAll(async () => {
    await app?.close();
    await store?.close().catch(() => {});
    pg?.destroy();
  });

  const ingest = (body: unknown) => app.inject({ method: 'POST', url: '/v1/records', headers: auth, payload: body as object });

  it('answers 503 with Retry-After while it is down, leaves no partial record, and recovers', async () => {
    for (let i = 0; i < 10; i++) expect((await ingest(record(`before-${i}`, i))).statusCode).toBe(200);

    // Requests in flight while the database crashes: some commit, the rest must be refused cleanly.
    const ids = Array.from({ length: 80 }, (_, i) => `during-${i}`);
    const inflight = ids.map(async (id, i) => {
      await new Promise((r) => setTimeout(r, i * 4));
      const res = await ingest(i % 5 === 0 ? { records: [record(`${id}-a`, i), record(`${id}-b`, i + 1)] } : record(id, i));
      return { id, i, res };
    });
    await new Promise((r) => setTimeout(r, 120));
    pg.stop('immediate');
    const during = await Promise.all(inflight);
    const statuses = during.map((d) => d.res.statusCode);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(statuses).toContain(503);

    // While down: every write is refused with the contract error and a Retry-After.
    for (let i = 0; i < 5; i++) {
      const res = await ingest(record(`down-${i}`, i));
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toEqual({ error: { code: 'DATABASE_UNAVAILABLE', message: expect.stringMatching(/database is unavailable/) } });
    }
    for (const d of during.filter((x) => x.res.statusCode === 503)) {
      expect(d.res.headers['retry-after']).toBe('5');
      expect(d.res.json().error.code).toMatch(/^(DATABASE_UNAVAILABLE|UNAVAILABLE)$/);
    }
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', database: 'error' });

    pg.start();
    // Full recovery with the same server process: the pool reconnects on its own.
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      status = (await ingest(record('after-0', 0))).statusCode;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    expect((await app.inject('/readyz')).statusCode).toBe(200);

    // No partial records: every record has its current version, every version its screening, and
    // every stored record appears in an ingest audit entry (all written in one transaction).
    const db = store.db;
    const orphanRecords = await sql<{ n: number }>`select count(*)::int as n from records r where not exists (select 1 from record_versions v where v.record_id = r.id and v.version = r.current_version)`.execute(db);
    const unscreened = await sql<{ n: number }>`select count(*)::int as n from record_versions v where not exists (select 1 from screenings s where s.record_id = v.record_id and s.version = v.version)`.execute(db);
    const unaudited = await sql<{ n: number }>`select count(*)::int as n from records r where not exists (select 1 from audit_log a where a.action = 'records.ingest' and a.details->'ids' ? r.id)`.execute(db);
    expect(orphanRecords.rows[0]!.n).toBe(0);
    expect(unscreened.rows[0]!.n).toBe(0);
    expect(unaudited.rows[0]!.n).toBe(0);
    const stored = new Set((await db.selectFrom('records').select('id').execute()).map((r) => r.id));
    for (const d of during) {
      const sent = d.i % 5 === 0 ? [`${d.id}-a`, `${d.id}-b`] : [d.id];
      // A batch is one transaction: all of it or none of it.
      const present = sent.filter((id) => stored.has(id)).length;
      expect([0, sent.length]).toContain(present);
      if (d.res.statusCode === 200) expect(present).toBe(sent.length);
    }

    // Clients retry what was refused: each is stored once (created, or unchanged if it had committed).
    for (const d of during.filter((x) => x.res.statusCode === 503)) {
      const res = await ingest(d.i % 5 === 0 ? { records: [record(`${d.id}-a`, d.i), record(`${d.id}-b`, d.i + 1)] } : record(d.id, d.i));
      expect(res.statusCode).toBe(200);
    }
    const total = await db.selectFrom('records').select(sql<number>`count(*)::int`.as('n')).where('id', 'like', 'during-%').executeTakeFirstOrThrow();
    expect(total.n).toBe(96); // 64 single records + 16 batches of two
  });
});
