// Concurrent ingests and claims, on both backends: no duplicate records, no lost versions, one
// winner per claim, and expired locks reclaimable.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { claimItem } from '../../src/store/queue.ts';
import type { Screener } from '../../src/screening/types.ts';
import { BACKENDS, createTestDatabase, keyFor, testApp, testScreener, uid, type TestDatabase } from './helpers.ts';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 180_000 });

const FLAGGED_TEXT = 'IP states ex-partner has called her 30 times since Friday from a withheld number, turned up at her work twice and keeps messaging her sister asking where she lives.';
type Auth = { authorization: string };

function shuffle<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe.each(BACKENDS)('concurrency on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let ingest: Auth;
  let r1: { name: string; auth: Auth };
  let r2: { name: string; auth: Auth };

  beforeAll(async () => {
    tdb = await createTestDatabase(backend);
    app = await testApp(tdb.store);
    ingest = (await keyFor(tdb.store, 'ingest')).auth;
    r1 = await keyFor(tdb.store, 'reviewer');
    r2 = await keyFor(tdb.store, 'reviewer');
  });
  afterAll(async () => {
    await app?.close();
    await tdb?.drop();
  });

  it('50 concurrent ingests with repeated ids: exactly one record per id and no lost version', async () => {
    const ids = Array.from({ length: 10 }, () => uid('c'));
    const textFor = (id: string, n: number) => `Caller states her ex-partner phoned her from a withheld number (${id} note ${n}).`;
    type Req = { payload: object; sent: { id: string; text: string }[] };
    const requests: Req[] = [];
    ids.forEach((id, k) => {
      // Per id: the same payload three times, two different texts, ...
      for (const n of [0, 0, 0, 1, 2]) {
        const rec = { id, text: textFor(id, n), victim_ref: 'V-conc', suspect_ref: `S-${k % 3}` };
        requests.push({ payload: rec, sent: [rec] });
      }
    });
    // ... and batches spanning two ids in opposite orders, which deadlock without ordered locking.
    for (let k = 0; k < 5; k++) {
      const a = { id: ids[k]!, text: textFor(ids[k]!, 3) };
      const b = { id: ids[k + 5]!, text: textFor(ids[k + 5]!, 3) };
      const batch = k % 2 ? [a, b] : [b, a];
      requests.push({ payload: { records: batch }, sent: batch });
    }
    expect(requests.length).toBe(55);

    const responses = await Promise.all(shuffle(requests).map(async (r) => ({ r, res: await app.inject({ method: 'POST', url: '/v1/records', headers: ingest, payload: r.payload }) })));
    for (const { res } of responses) expect(res.statusCode, res.body).toBe(200);

    const outcomes = responses.flatMap(({ res }) => {
      const body = res.json();
      return (body.results ?? [body]) as { id: string; version: number; status: string; result: { id: string } }[];
    });
    const db = tdb.store.db;
    const records = await db.selectFrom('records').select(['id', 'current_version']).where('id', 'in', ids).execute();
    expect(records.length).toBe(ids.length);

    const versions = await db.selectFrom('record_versions').select(['record_id', 'version', 'payload']).where('record_id', 'in', ids).orderBy('version').execute();
    for (const id of ids) {
      const mine = versions.filter((v) => v.record_id === id);
      const written = outcomes.filter((o) => o.id === id && o.status !== 'unchanged');
      // Versions are 1..n without gaps, one per request that changed the record, exactly one 'created'.
      expect(mine.map((v) => v.version)).toEqual(mine.map((_, i) => i + 1));
      expect(written.length).toBe(mine.length);
      expect(written.filter((o) => o.status === 'created').length).toBe(1);
      expect(records.find((r) => r.id === id)!.current_version).toBe(mine.length);
      // Every distinct text sent is stored as some version, and no two consecutive versions are equal.
      const stored = mine.map((v) => (v.payload as { text: string }).text);
      const sent = new Set(requests.flatMap((r) => r.sent).filter((s) => s.id === id).map((s) => s.text));
      for (const text of sent) expect(stored).toContain(text);
      for (let i = 1; i < mine.length; i++) expect(JSON.stringify(mine[i]!.payload)).not.toBe(JSON.stringify(mine[i - 1]!.payload));
      // Each version has its own screening.
      const screened = await db.selectFrom('screenings').select('version').where('record_id', '=', id).where('trigger', '=', 'ingest').execute();
      expect(screened.map((s) => s.version).sort((a, b) => a - b)).toEqual(mine.map((v) => v.version));
    }
  });

  it('20 concurrent one-occasion ingests into one case, singly and in batches: every record ends linked and queued once', async () => {
    const victim = uid('V');
    const suspect = uid('S');
    const text = (n: number) => `Caller states her ex-partner phoned her from a withheld number last night (call ${n}).`;
    const single = Array.from({ length: 12 }, (_, n) => ({ id: uid('l'), text: text(n), victim_ref: victim, suspect_ref: suspect }));
    const batched = Array.from({ length: 8 }, (_, n) => ({ id: uid('lb'), text: text(100 + n), victim_ref: victim, suspect_ref: suspect }));
    const payloads: object[] = [...single, { records: batched.slice(0, 4) }, { records: batched.slice(4) }];
    const responses = await Promise.all(shuffle(payloads).map((payload) => app.inject({ method: 'POST', url: '/v1/records', headers: ingest, payload })));
    for (const res of responses) expect(res.statusCode, res.body).toBe(200);
    const outcomes = responses.flatMap((res) => (res.json().results ?? [res.json()]) as { id: string; flags: string[]; linked_records: unknown[] }[]);
    expect(outcomes.length).toBe(20);
    // Precondition: alone, a record shows one occasion at most, so only the case links it.
    const alone = (await app.inject({ method: 'POST', url: '/v1/screen', headers: ingest, payload: { id: 'p', text: text(0) } })).json();
    expect(alone.course_of_conduct.occasions_min).toBeLessThan(2);

    // Requests serialise on the case: the first sees an empty history, each later one sees all before it.
    const seen = outcomes.map((o) => o.linked_records.length).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, n) => n));

    // Whatever the order, every record's latest screening carries LINKED_PATTERN and each has one open item.
    const ids = [...single, ...batched].map((r) => r.id);
    const db = tdb.store.db;
    for (const id of ids) {
      const latest = await db.selectFrom('screenings').select(['flags', 'trigger']).where('record_id', '=', id).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
      expect(latest.flags, id).toContain('LINKED_PATTERN');
    }
    const items = await db.selectFrom('queue_items').select(['record_id', 'linked']).where('record_id', 'in', ids).execute();
    expect(items.length).toBe(20);
    expect(items.every((i) => i.linked)).toBe(true);
  });

  it('requests that arrive together share transactions, yet each keeps its own outcome and its own audit entry', async () => {
    // Three clients, so requests from different keys land in one transaction.
    const clients = [await keyFor(tdb.store, 'ingest'), await keyFor(tdb.store, 'ingest'), await keyFor(tdb.store, 'admin')];
    // Results come back a turn of the event loop later, all together, as the screening thread
    // answers (threaded.ts), so the requests reach the writer together whatever the backend's speed.
    const inline = await testScreener();
    let turn: (() => void)[] = [];
    const threadLike: Screener = {
      ...inline,
      screen: (r) =>
        new Promise((ok, fail) => {
          if (!turn.length) {
            setImmediate(() => {
              const answers = turn;
              turn = [];
              for (const answer of answers) answer();
            });
          }
          turn.push(() => void inline.screen(r).then(ok, fail));
        }),
      close: async () => {},
    };
    const app = await testApp(tdb.store, {}, { screener: threadLike });
    const histogram = async () => {
      const m = (await app.metrics.ingestTransactionRequests.get()).values;
      return { transactions: m.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0, requests: m.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0 };
    };
    const before = await histogram();
    const sent = Array.from({ length: 30 }, (_, n) => ({ client: clients[n % 3]!, record: { id: uid('gc'), text: `${FLAGGED_TEXT} Report ${n}.`, victim_ref: uid('V'), suspect_ref: 'S-gc' } }));
    const responses = await Promise.all(sent.map(({ client, record }) => app.inject({ method: 'POST', url: '/v1/records', headers: client.auth, payload: record })));
    for (const res of responses) expect(res.statusCode, res.body).toBe(200);
    responses.forEach((res, n) => expect(res.json()).toMatchObject({ id: sent[n]!.record.id, version: 1, status: 'created', result: { id: sent[n]!.record.id } }));

    const after = await histogram();
    expect(after.requests - before.requests).toBe(30);
    expect(after.transactions - before.transactions).toBeLessThan(30); // some requests shared a transaction

    // One audit entry per request, under the name of the key that sent it, holding only its record.
    const entries = await tdb.store.db.selectFrom('audit_log').select(['actor', 'role', 'details']).where('action', '=', 'records.ingest').execute();
    for (const { client, record } of sent) {
      const mine = entries.filter((e) => ((e.details as { ids?: string[] }).ids ?? []).includes(record.id));
      expect(mine.length, record.id).toBe(1);
      expect(mine[0]).toEqual({ actor: client.name, role: client.name.split('-')[0], details: { count: 1, created: 1, updated: 0, unchanged: 0, ids: [record.id] } });
    }
    await app.close();
  });

  it('two reviewers claiming the same item at once: exactly one wins, every time', async () => {
    const batch = Array.from({ length: 10 }, (_, i) => ({ id: uid('race'), text: `${FLAGGED_TEXT} Report ${i}.` }));
    const ingested = (await app.inject({ method: 'POST', url: '/v1/records', headers: ingest, payload: { records: batch } })).json();
    const items: number[] = ingested.results.map((r: { queue_item_id: number }) => r.queue_item_id);
    expect(items.every((i) => typeof i === 'number')).toBe(true);

    const claim = (item: number, who: Auth) => app.inject({ method: 'POST', url: `/v1/queue/${item}/claim`, headers: who });
    const results = await Promise.all(items.map(async (item) => ({ item, both: await Promise.all([claim(item, r1.auth), claim(item, r2.auth)]) })));
    for (const { item, both } of results) {
      const codes = both.map((r) => r.statusCode).sort();
      expect(codes).toEqual([200, 409]);
      const winner = both.find((r) => r.statusCode === 200)!.json().claimed_by;
      const row = await tdb.store.db.selectFrom('queue_items').select(['claimed_by', 'status']).where('id', '=', item).executeTakeFirstOrThrow();
      expect(row).toEqual({ claimed_by: winner, status: 'claimed' });
    }

    // The same race straight at the store, five reviewers on one item.
    const rec = (await app.inject({ method: 'POST', url: '/v1/records', headers: ingest, payload: { id: uid('race'), text: FLAGGED_TEXT } })).json();
    const outcomes = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((who) => claimItem(tdb.store.db, rec.queue_item_id, who, 15)));
    expect(outcomes.filter((o) => o.ok).length).toBe(1);
  });

  it('an expired lock can be claimed again, and its former holder can no longer decide', async () => {
    // LOCK_MINUTES=0.005 is a 0.3 s lock: a real expiry, no clock tricks.
    const shortLocks = await testApp(tdb.store, { lockMinutes: 0.005 });
    try {
      const rec = (await shortLocks.inject({ method: 'POST', url: '/v1/records', headers: ingest, payload: { id: uid('exp'), text: FLAGGED_TEXT } })).json();
      const url = (action: string) => `/v1/queue/${rec.queue_item_id}/${action}`;
      expect((await shortLocks.inject({ method: 'POST', url: url('claim'), headers: r1.auth })).statusCode).toBe(200);
      expect((await shortLocks.inject({ method: 'POST', url: url('claim'), headers: r2.auth })).statusCode).toBe(409);
      await new Promise((r) => setTimeout(r, 700));
      const listed = (await shortLocks.inject({ url: '/v1/queue?status=open&limit=500', headers: r2.auth })).json();
      expect(listed.items.find((i: { id: number }) => i.id === rec.queue_item_id)).toMatchObject({ status: 'open', claimed_by: null });
      const reclaimed = await shortLocks.inject({ method: 'POST', url: url('claim'), headers: r2.auth });
      expect(reclaimed.statusCode).toBe(200);
      expect(reclaimed.json().claimed_by).toBe(r2.name);
      const late = await shortLocks.inject({ method: 'POST', url: url('decision'), headers: r1.auth, payload: { decision: 'not_stalking', reason: 'late' } });
      expect(late.statusCode).toBe(409);
      expect(late.json().error.code).toBe('CLAIM_REQUIRED');
    } finally {
      await shortLocks.close();
    }
  });
});
