import { readdirSync } from 'node:fs';
// The integration suite, run against both backends: embedded PGlite and real PostgreSQL.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { labelledRecordSchema } from '../../datasets/schema.ts';
import { openStore } from '../../src/store/database.ts';
import { revokeKey } from '../../src/store/keys.ts';
import { basePriority } from '../../src/store/queue.ts';
import { purgeExpired } from '../../src/store/purge.ts';
import { BACKENDS, createTestDatabase, keyFor, testApp, uid, type TestDatabase } from './helpers.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

// Texts the rule catalogue screens in known ways; each test re-checks what it relies on through
// /v1/screen first, so a catalogue change shows up as a failed precondition, not a puzzling failure.
const FLAGGED_TEXT = 'IP states ex-partner has called her 30 times since Friday from a withheld number, turned up at her work twice and keeps messaging her sister asking where she lives.';
// One occasion each (a note, a card): neither is flagged alone; together they are a course of conduct.
const ONE_OCCASION_A = 'Her old neighbour left a note through her door this morning asking to meet for coffee.';
const ONE_OCCASION_B = 'The man from the flat opposite sent her a card today.';
const QUIET_TEXT = 'Caller reports a dispute with a neighbour about where the bins are left.';

type Auth = { authorization: string };

describe.each(BACKENDS)('API on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let ingest: Auth, reviewer: Auth, reviewer2: Auth, supervisor: Auth, admin: Auth;
  let reviewerName: string, reviewer2Name: string;

  beforeAll(async () => {
    tdb = await createTestDatabase(backend);
    app = await testApp(tdb.store);
    ingest = (await keyFor(tdb.store, 'ingest')).auth;
    const r1 = await keyFor(tdb.store, 'reviewer');
    const r2 = await keyFor(tdb.store, 'reviewer');
    reviewer = r1.auth;
    reviewer2 = r2.auth;
    reviewerName = r1.name;
    reviewer2Name = r2.name;
    supervisor = (await keyFor(tdb.store, 'supervisor')).auth;
    admin = (await keyFor(tdb.store, 'admin')).auth;
  });
  afterAll(async () => {
    await app?.close();
    await tdb?.drop();
  });

  const post = (url: string, headers: Auth, payload?: unknown) =>
    app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const get = (url: string, headers: Auth) => app.inject({ method: 'GET', url, headers });
  const screen = async (text: string) => (await post('/v1/screen', ingest, { id: uid('probe'), text })).json();

  it('serves liveness, readiness and the OpenAPI description', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', database: 'ok', screener: 'ok', backend });
    expect((await app.inject('/docs')).statusCode).toBe(200);
    const spec = (await app.inject('/docs/json')).json();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/screen', '/v1/records', '/v1/records/{id}', '/v1/queue', '/v1/queue/{itemId}/claim']));
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('needs a valid key on every /v1 route (401) and the right role (403)', async () => {
    const none = await app.inject({ method: 'GET', url: '/v1/queue' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error).toMatchObject({ code: 'UNAUTHENTICATED', field: 'authorization' });
    expect((await get('/v1/queue', { authorization: 'Bearer ssk_not-a-real-key' })).statusCode).toBe(401);

    const revoked = await keyFor(tdb.store, 'reviewer');
    expect(await revokeKey(tdb.store.db, revoked.name)).toBe(1);
    expect((await get('/v1/queue', revoked.auth)).statusCode).toBe(401);

    // ingest may write but not read records back or work the queue; admins do not decide cases.
    expect((await get('/v1/queue', ingest)).statusCode).toBe(403);
    expect((await get('/v1/records/anything', ingest)).statusCode).toBe(403);
    expect((await get('/v1/audit', reviewer)).statusCode).toBe(403);
    expect((await get('/v1/export/decisions', reviewer)).statusCode).toBe(403);
    expect((await post('/v1/queue/1/claim', admin)).statusCode).toBe(403);
    expect((await post('/v1/records', reviewer, { id: uid(), text: QUIET_TEXT })).statusCode).toBe(403);
    const forbidden = await get('/v1/queue', ingest);
    expect(forbidden.json().error).toMatchObject({ code: 'FORBIDDEN', field: 'authorization' });
  });

  it('screens one record or a batch without storing anything', async () => {
    const id = uid();
    const one = await post('/v1/screen', ingest, { id, text: FLAGGED_TEXT });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id, flags: expect.arrayContaining(['MISSED_STALKING']) });
    const batch = await post('/v1/screen', ingest, { records: [{ id: `${id}-a`, text: QUIET_TEXT }, { id: `${id}-b`, text: FLAGGED_TEXT }] });
    expect(batch.json().results.map((r: { id: string }) => r.id)).toEqual([`${id}-a`, `${id}-b`]);
    expect((await get(`/v1/records/${id}`, reviewer)).statusCode).toBe(404);
  });

  it('ingests idempotently: a repeat is a no-op, changed text is a new version that keeps the old text', async () => {
    const id = uid();
    const first = await post('/v1/records', ingest, { id, text: QUIET_TEXT, source: 'rms', extra_field: 42 });
    expect(first.json()).toMatchObject({ id, version: 1, status: 'created' });
    const again = await post('/v1/records', ingest, { extra_field: 42, source: 'rms', text: QUIET_TEXT, id }); // key order differs
    expect(again.json()).toMatchObject({ id, version: 1, status: 'unchanged' });
    const changed = await post('/v1/records', ingest, { id, text: `${QUIET_TEXT} Caller called back.`, source: 'rms', extra_field: 42 });
    expect(changed.json()).toMatchObject({ id, version: 2, status: 'updated' });

    const current = (await get(`/v1/records/${id}`, reviewer)).json();
    expect(current.version).toBe(2);
    expect(current.record.text).toBe(`${QUIET_TEXT} Caller called back.`);
    expect(current.record.extra_field).toBe(42); // unknown fields are kept
    expect(current.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(current.screening).toMatchObject({ version: 2, trigger: 'ingest' });
    const old = (await get(`/v1/records/${id}?version=1`, reviewer)).json();
    expect(old.record.text).toBe(QUIET_TEXT);

    const screenings = await tdb.store.db.selectFrom('screenings').select('version').where('record_id', '=', id).execute();
    expect(screenings.map((s) => s.version).sort()).toEqual([1, 2]); // the repeat was not re-screened
  });

  it('accepts and reads back an id of the full 128 characters, with characters that need escaping', async () => {
    const id = `CAD/2024 #${'9'.repeat(118)}`.slice(0, 128);
    expect(id.length).toBe(128);
    expect((await post('/v1/records', ingest, { id, text: QUIET_TEXT })).json().status).toBe('created');
    const read = await get(`/v1/records/${encodeURIComponent(id)}`, reviewer);
    expect(read.statusCode).toBe(200);
    expect(read.json().id).toBe(id);
  });

  it('stores a batch in one transaction: one bad record rejects the whole batch, naming it', async () => {
    const id = uid();
    const bad = await post('/v1/records', ingest, { records: [{ id: `${id}-0`, text: QUIET_TEXT }, { id: `${id}-1`, text: QUIET_TEXT }, { id: `${id}-2` }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('records.2.text');
    expect((await get(`/v1/records/${id}-0`, reviewer)).statusCode).toBe(404);

    const good = await post('/v1/records', ingest, { records: [0, 1, 2].map((i) => ({ id: `${id}-${i}`, text: i === 1 ? FLAGGED_TEXT : QUIET_TEXT })) });
    expect(good.statusCode).toBe(200);
    expect(good.json().count).toBe(3);
    expect(good.json().results.map((r: { status: string }) => r.status)).toEqual(['created', 'created', 'created']);
    expect(good.json().results[1].queue_item_id).toEqual(expect.any(Number));
    expect(good.json().results[0].queue_item_id).toBeNull();
  });

  it('raises LINKED_PATTERN when records about the same victim and suspect together show a course of conduct', async () => {
    for (const text of [ONE_OCCASION_A, ONE_OCCASION_B]) {
      const alone = await screen(text);
      expect(alone.course_of_conduct.occasions_min, `precondition: "${text}" alone shows fewer than two occasions`).toBeLessThan(2);
      expect(alone.indicators.some((i: { category: string }) => i.category === 'behaviour'), `precondition: "${text}" has a behaviour`).toBe(true);
      // At the recall-first threshold one contact may be flagged for review alone, but not put first.
      expect(alone.stalking_priority ?? false, `precondition: "${text}" alone is outside the priority band`).toBe(false);
    }
    const victim = uid('V');
    const suspect = uid('S');
    const a = (await post('/v1/records', ingest, { id: uid('a'), text: ONE_OCCASION_A, victim_ref: victim, suspect_ref: suspect })).json();
    expect(a.flags).not.toContain('LINKED_PATTERN');
    expect(a.linked_records).toEqual([]);

    // Same suspect, different victim: a different case, not linked.
    const other = (await post('/v1/records', ingest, { id: uid('o'), text: ONE_OCCASION_B, victim_ref: uid('V'), suspect_ref: suspect })).json();
    expect(other.flags).not.toContain('LINKED_PATTERN');
    // A missing ref links nothing.
    const noRef = (await post('/v1/records', ingest, { id: uid('n'), text: ONE_OCCASION_B, victim_ref: victim })).json();
    expect(noRef.linked_pattern).toBeNull();
    expect(noRef.flags).not.toContain('LINKED_PATTERN');

    const b = (await post('/v1/records', ingest, { id: uid('b'), text: ONE_OCCASION_B, victim_ref: victim, suspect_ref: suspect })).json();
    expect(b.flags).toContain('LINKED_PATTERN');
    expect(b.linked_records.map((r: { id: string }) => r.id)).toEqual([a.id]);
    expect(b.linked_pattern.occasions_total).toBeGreaterThanOrEqual(2);
    expect(b.queue_item_id).toEqual(expect.any(Number));

    // The earlier record gains the flag too (re-screened on the new linked record) and is queued.
    const aNow = (await get(`/v1/records/${a.id}`, reviewer)).json();
    expect(aNow.screening).toMatchObject({ trigger: 'link', flags: expect.arrayContaining(['LINKED_PATTERN']), linked_record_ids: [b.id] });
    expect(aNow.queue_item).toMatchObject({ linked: true, flags: expect.arrayContaining(['LINKED_PATTERN']) });
    expect(aNow.linked_records.map((r: { id: string }) => r.id)).toEqual([b.id]);

    // Alone, the same text is queued lower, if at all; linked, the link's weight is in its priority.
    const plain = (await post('/v1/records', ingest, { id: uid('p'), text: ONE_OCCASION_B })).json();
    const item = (await get(`/v1/records/${b.id}`, reviewer)).json().queue_item;
    if (plain.queue_item_id !== null) expect((await get(`/v1/records/${plain.id}`, reviewer)).json().queue_item.priority).toBeLessThan(item.priority);
    const withoutLink = basePriority({
      riskLevel: item.risk_level,
      flags: item.flags.filter((f: string) => f !== 'LINKED_PATTERN'),
      stalkingScore: item.stalking_score,
      s4aScore: item.s4a_score,
    });
    expect(item.priority).toBeGreaterThan(withoutLink);
  });

  it('links within one batch exactly as it does across requests: the later record is linked, the earlier one relinked', async () => {
    const victim = uid('V');
    const suspect = uid('S');
    const [idA, idB, idC] = [uid('ba'), uid('bb'), uid('bc')];
    const res = await post('/v1/records', ingest, { records: [
      { id: idA, text: ONE_OCCASION_A, victim_ref: victim, suspect_ref: suspect },
      { id: idB, text: ONE_OCCASION_B, victim_ref: victim, suspect_ref: suspect },
      // A second version of A in the same batch, moved to another case: it leaves this one.
      { id: idA, text: `${ONE_OCCASION_A} Update.`, victim_ref: uid('V'), suspect_ref: suspect },
      { id: idC, text: QUIET_TEXT, victim_ref: victim, suspect_ref: suspect },
    ] });
    expect(res.statusCode, res.body).toBe(200);
    const [a1, b, a2, c] = res.json().results;
    expect(a1).toMatchObject({ id: idA, version: 1, status: 'created', linked_records: [] });
    expect(a1.flags).not.toContain('LINKED_PATTERN');
    expect(b.flags).toContain('LINKED_PATTERN');
    expect(b.linked_records).toEqual([expect.objectContaining({ id: idA, version: 1, flags: expect.arrayContaining(['LINKED_PATTERN']) })]);
    expect(a2).toMatchObject({ id: idA, version: 2, status: 'updated', linked_records: [] });
    // C is only in B's case now: A moved out.
    expect(c.linked_records.map((r: { id: string }) => r.id)).toEqual([idB]);

    // A's screenings, in order: version 1, its relink by B, then version 2 in its new case.
    const aNow = (await get(`/v1/records/${idA}`, reviewer)).json();
    expect(aNow.screening).toMatchObject({ version: 2, trigger: 'ingest' });
    expect(aNow.screening.flags).not.toContain('LINKED_PATTERN');
    const versions = await tdb.store.db.selectFrom('screenings').select(['version', 'trigger', 'flags']).where('record_id', '=', idA).orderBy('id').execute();
    expect(versions.map((s) => [s.version, s.trigger])).toEqual([
      [1, 'ingest'],
      [1, 'link'],
      [2, 'ingest'],
    ]);
    expect(versions[1]!.flags).toContain('LINKED_PATTERN');
    const bNow = (await get(`/v1/records/${idB}`, reviewer)).json();
    expect(bNow.queue_item).toMatchObject({ id: b.queue_item_id, linked: true });
    expect((await get(`/v1/records/${idB}`, reviewer)).json().linked_records.map((r: { id: string }) => r.id)).toEqual([idC]);
  });

  it('queues flagged records with a due time and priority; lists them highest first, filtered by flag and status', async () => {
    const flagged = (await post('/v1/records', ingest, { id: uid('q'), text: FLAGGED_TEXT })).json();
    expect(flagged.flags).toContain('MISSED_STALKING');
    const quiet = (await post('/v1/records', ingest, { id: uid('q'), text: QUIET_TEXT })).json();
    expect(quiet.flags).toEqual([]);
    expect(quiet.queue_item_id).toBeNull();

    const list = (await get('/v1/queue?limit=500', reviewer)).json();
    const mine = list.items.find((i: { record_id: string }) => i.record_id === flagged.id);
    expect(mine).toMatchObject({ status: 'open', flags: expect.arrayContaining(['MISSED_STALKING']), overdue: false });
    const dueHours = (Date.parse(mine.due_at) - Date.parse(mine.queued_at)) / 3_600_000;
    expect(dueHours).toBeCloseTo(24, 2);
    const priorities = list.items.map((i: { effective_priority: number }) => i.effective_priority);
    expect(priorities).toEqual([...priorities].sort((x, y) => y - x));

    const linkedOnly = (await get('/v1/queue?flag=LINKED_PATTERN&limit=500', reviewer)).json();
    expect(linkedOnly.items.length).toBeGreaterThan(0);
    expect(linkedOnly.items.every((i: { flags: string[] }) => i.flags.includes('LINKED_PATTERN'))).toBe(true);
    expect(linkedOnly.items.some((i: { record_id: string }) => i.record_id === flagged.id)).toBe(false);
    const decided = (await get('/v1/queue?status=decided&limit=500', reviewer)).json();
    expect(decided.items.every((i: { status: string }) => i.status === 'decided')).toBe(true);
  });

  it('claims, releases and decides with expiring locks, and audits each step', async () => {
    const rec = (await post('/v1/records', ingest, { id: uid('d'), text: FLAGGED_TEXT })).json();
    const item = rec.queue_item_id as number;

    const claim = await post(`/v1/queue/${item}/claim`, reviewer);
    expect(claim.statusCode).toBe(200);
    expect(claim.json()).toMatchObject({ status: 'claimed', claimed_by: reviewerName });
    expect(Date.parse(claim.json().lock_expires_at)).toBeGreaterThan(Date.now());

    expect((await post(`/v1/queue/${item}/claim`, reviewer2)).json().error.code).toBe('ITEM_LOCKED');
    const stolen = await post(`/v1/queue/${item}/decision`, reviewer2, { decision: 'not_stalking', reason: 'x' });
    expect(stolen.statusCode).toBe(409);
    expect(stolen.json().error.code).toBe('CLAIM_REQUIRED');
    expect((await post(`/v1/queue/${item}/release`, reviewer2)).statusCode).toBe(409);

    expect((await post(`/v1/queue/${item}/release`, reviewer)).json().status).toBe('open');
    expect((await post(`/v1/queue/${item}/claim`, reviewer2)).statusCode).toBe(200);
    const decision = await post(`/v1/queue/${item}/decision`, reviewer2, {
      decision: 'stalking_s4a',
      reason: 'Repeated calls after being told to stop; fear recorded.',
      recommended_classification: 'Stalking s4A',
    });
    expect(decision.statusCode).toBe(200);
    expect(decision.json()).toMatchObject({ decision: { decision: 'stalking_s4a', decided_by: reviewer2Name }, item: { status: 'decided' } });
    expect((await post(`/v1/queue/${item}/claim`, reviewer)).json().error.code).toBe('ITEM_DECIDED');

    const view = (await app.inject({ method: 'GET', url: `/v1/records/${rec.id}`, headers: { ...reviewer, 'x-justification': 'daily stalking review' } })).json();
    expect(view.decisions).toEqual([expect.objectContaining({ decision: 'stalking_s4a', decided_by: reviewer2Name, recommended_classification: 'Stalking s4A' })]);

    const audit = (await get(`/v1/audit?target=${rec.id}`, supervisor)).json().entries as { actor: string; action: string; justification: string | null }[];
    const steps = audit.map((e) => `${e.action}:${e.actor}`).reverse();
    expect(steps).toEqual([
      `queue.claim:${reviewerName}`,
      `queue.release:${reviewerName}`,
      `queue.claim:${reviewer2Name}`,
      `queue.decision:${reviewer2Name}`,
      `record.read:${reviewerName}`,
    ]);
    expect(audit.find((e) => e.action === 'record.read')!.justification).toBe('daily stalking review');
    expect(audit.find((e) => e.action === 'queue.decision')!.justification).toContain('Repeated calls');

    // A changed version brings new information: the decided item reopens for review.
    const v2 = (await post('/v1/records', ingest, { id: rec.id, text: `${FLAGGED_TEXT} He called again this morning.` })).json();
    expect(v2).toMatchObject({ version: 2, status: 'updated', queue_item_id: item });
    expect((await get(`/v1/records/${rec.id}`, reviewer)).json().queue_item.status).toBe('open');
  });

  it('exports decisions as labelled JSONL in the dataset format, leaving out needs_more_information, and audits it', async () => {
    const decide = async (text: string, decision: string) => {
      const rec = (await post('/v1/records', ingest, { id: uid('x'), text, recorded_as: 'Malicious Communications' })).json();
      expect((await post(`/v1/queue/${rec.queue_item_id}/claim`, reviewer)).statusCode).toBe(200);
      expect((await post(`/v1/queue/${rec.queue_item_id}/decision`, reviewer, { decision, reason: `reason for\n${decision}` })).statusCode).toBe(200);
      return rec.id as string;
    };
    const s2a = await decide(`${FLAGGED_TEXT} First report.`, 'stalking_s2a');
    const not = await decide(`${FLAGGED_TEXT} Second report.`, 'not_stalking');
    const more = await decide(`${FLAGGED_TEXT} Third report.`, 'needs_more_information');

    const res = await app.inject({ method: 'GET', url: '/v1/export/decisions', headers: { ...supervisor, 'x-justification': 'quarterly evaluation' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const lines = res.body.trim().split('\n').map((l) => JSON.parse(l));
    for (const line of lines) expect(labelledRecordSchema.safeParse(line).success).toBe(true);
    const byId = new Map(lines.map((l) => [l.id, l]));
    expect(byId.get(s2a)).toMatchObject({ label_stalking: true, label_s4a: false, recorded_as: 'Malicious Communications', rationale: 'reason for stalking_s2a' });
    expect(byId.get(not)).toMatchObject({ label_stalking: false, label_s4a: false });
    expect(byId.has(more)).toBe(false);

    const entry = (await get('/v1/audit?action=export.decisions', supervisor)).json().entries[0];
    expect(entry).toMatchObject({ justification: 'quarterly evaluation', details: { count: lines.length } });
    expect(entry.details.ids).toEqual(expect.arrayContaining([s2a, not]));
  });

  it('keeps the audit log append-only at the database', async () => {
    await expect(sql`update audit_log set actor = 'someone else'`.execute(tdb.store.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(tdb.store.db)).rejects.toThrow(/append-only/);
  });

  it('purges records past retention and records counts and ids, not text, in the audit log', async () => {
    const oldId = uid('old');
    const keepId = uid('keep');
    const secret = 'PURGEMARKER narrative that must not survive';
    await post('/v1/records', ingest, { id: oldId, text: `${FLAGGED_TEXT} ${secret}` });
    await post('/v1/records', ingest, { id: keepId, text: QUIET_TEXT });
    await sql`update records set updated_at = now() - interval '800 days' where id = ${oldId}`.execute(tdb.store.db);

    const dry = await purgeExpired(tdb.store, { retentionDays: 730, actor: 'test', dryRun: true });
    expect(dry.ids).toEqual([oldId]);
    expect((await get(`/v1/records/${oldId}`, reviewer)).statusCode).toBe(200);

    const report = await purgeExpired(tdb.store, { retentionDays: 730, actor: 'test' });
    expect(report.ids).toEqual([oldId]);
    expect(report.counts).toMatchObject({ records: 1, versions: 1, screenings: 1, queue_items: 1 });
    expect((await get(`/v1/records/${oldId}`, reviewer)).statusCode).toBe(404);
    expect((await get(`/v1/records/${keepId}`, reviewer)).statusCode).toBe(200);
    const left = await tdb.store.db.selectFrom('record_versions').select('record_id').where('record_id', '=', oldId).execute();
    expect(left).toEqual([]);

    const entry = (await get('/v1/audit?action=purge', supervisor)).json().entries[0];
    expect(entry.details).toMatchObject({ ids: [oldId], counts: { records: 1 } });
    const everything = JSON.stringify((await get('/v1/audit?limit=1000', supervisor)).json());
    expect(everything).not.toContain('PURGEMARKER');
  });

  it('limits requests per API key with a JSON 429', async () => {
    const limited = await testApp(tdb.store, { rateLimitPerMinute: 3 });
    try {
      const a = await keyFor(tdb.store, 'reviewer');
      const b = await keyFor(tdb.store, 'reviewer');
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await limited.inject({ url: '/v1/queue', headers: a.auth })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const over = await limited.inject({ url: '/v1/queue', headers: a.auth });
      expect(over.json().error).toMatchObject({ code: 'RATE_LIMITED' });
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect((await limited.inject({ url: '/v1/queue', headers: b.auth })).statusCode).toBe(200); // another key is unaffected
    } finally {
      await limited.close();
    }
  });

  it('refuses /metrics without a key (401) and to a non-admin key (403)', async () => {
    const anonymous = await app.inject('/metrics');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).not.toMatch(/screener_flags_raised_total/);
    expect((await app.inject({ url: '/metrics', headers: reviewer })).statusCode).toBe(403);
    expect((await app.inject({ url: '/metrics', headers: admin })).statusCode).toBe(200);
  });

  it('exposes Prometheus metrics: requests, latency, flags raised, queue depth and oldest age', async () => {
    await post('/v1/records', ingest, { id: uid('m'), text: FLAGGED_TEXT });
    const body = (await app.inject({ url: '/metrics', headers: admin })).body;
    expect(body).toMatch(/http_requests_total\{method="POST",route="\/v1\/records",status="200"\} \d+/);
    expect(body).toMatch(/http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/v1\/records"\} \d+/);
    expect(body).toMatch(/screener_flags_raised_total\{flag="MISSED_STALKING"\} [1-9]/);
    const depth = Number(/review_queue_depth (\d+)/.exec(body)?.[1]);
    const pending = (await get('/v1/queue?limit=1', reviewer)).json().total;
    expect(depth).toBe(pending);
    expect(Number(/review_queue_oldest_age_seconds ([\d.e+-]+)/.exec(body)?.[1])).toBeGreaterThan(0);
  });

  it('opens the same migrated database again without re-running migrations', async () => {
    if (!tdb.databaseUrl) return; // in-memory PGlite cannot be reopened; the file-backed case is covered by serve.test.ts
    const again = await openStore({ databaseUrl: tdb.databaseUrl, dataDir: 'unused' });
    const n = await again.db.selectFrom('kysely_migration' as never).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    // One row per migration file (0001_initial, 0002_rescreen): reopening must not add any.
    expect((n as { n: number }).n).toBe(readdirSync(new URL('../../src/store/migrations/', import.meta.url)).filter((f) => /^\d{4}_.*\.ts$/.test(f)).length);
    await again.close();
  });
});
