// Logs of a full ingest -> screen -> review flow, at the most verbose level, hold no narrative
// text, no personal references, no reasons and no keys, while still recording every request.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, keyFor, testApp, uid, type TestDatabase } from './helpers.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

// Distinctive words so a leak cannot hide behind common vocabulary.
const NARRATIVE = 'IP states ex-partner has called her 30 times since Friday from a withheld number, turned up at her work twice and keeps messaging her sister asking where she lives outside Quillfeather Mansions near the Marrowby canal.';
const SECRET_WORDS = ['Quillfeather', 'Marrowby', 'withheld number', 'ex-partner called her'];
const VICTIM = 'VREF-Tamsin-0042';
const SUSPECT = 'SREF-Orlando-0077';
const REASON = 'Ravensworth reasoning: persistent contact after warnings';

describe('logging', () => {
  let tdb: TestDatabase;
  const lines: string[] = [];

  beforeAll(async () => {
    tdb = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('captures a full flow with no narrative, references, reasons or keys in the logs', async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const app = await testApp(tdb.store, { logLevel: 'trace' }, { logStream: sink });
    const ingest = await keyFor(tdb.store, 'ingest');
    const reviewer = await keyFor(tdb.store, 'reviewer');
    const supervisor = await keyFor(tdb.store, 'supervisor');
    const id = uid('log');
    try {
      const record = { id, text: NARRATIVE, victim_ref: VICTIM, suspect_ref: SUSPECT, relationship: 'ex-partner' };
      expect((await app.inject({ method: 'POST', url: '/v1/screen', headers: ingest.auth, payload: record })).statusCode).toBe(200);
      const stored = (await app.inject({ method: 'POST', url: '/v1/records', headers: ingest.auth, payload: record })).json();
      expect(stored.queue_item_id).toEqual(expect.any(Number));
      const item = stored.queue_item_id;
      expect((await app.inject({ url: '/v1/queue', headers: reviewer.auth })).statusCode).toBe(200);
      expect((await app.inject({ method: 'POST', url: `/v1/queue/${item}/claim`, headers: reviewer.auth })).statusCode).toBe(200);
      expect((await app.inject({ url: `/v1/records/${id}`, headers: { ...reviewer.auth, 'x-justification': REASON } })).statusCode).toBe(200);
      const decided = await app.inject({ method: 'POST', url: `/v1/queue/${item}/decision`, headers: reviewer.auth, payload: { decision: 'stalking_s4a', reason: REASON } });
      expect(decided.statusCode).toBe(200);
      expect((await app.inject({ url: '/v1/export/decisions', headers: supervisor.auth })).statusCode).toBe(200);
      expect((await app.inject({ url: '/v1/audit', headers: supervisor.auth })).statusCode).toBe(200);
      // Rejected requests carrying the narrative: broken JSON, a validation failure, a bad decision.
      const broken = `{"id": "${id}", "text": "${NARRATIVE}", "victim_ref": "${VICTIM}"`;
      expect((await app.inject({ method: 'POST', url: '/v1/records', headers: { ...ingest.auth, 'content-type': 'application/json' }, payload: broken })).statusCode).toBe(400);
      expect((await app.inject({ method: 'POST', url: '/v1/records', headers: ingest.auth, payload: { ...record, kind: NARRATIVE } })).statusCode).toBe(400);
      expect((await app.inject({ method: 'POST', url: `/v1/queue/${item}/decision`, headers: reviewer.auth, payload: { decision: NARRATIVE, reason: REASON } })).statusCode).toBe(400);
    } finally {
      await app.close();
    }

    // The logs did record the traffic, so an empty log cannot pass this test.
    const entries = lines.map((l) => JSON.parse(l) as { msg?: string; req?: { url?: string }; res?: { statusCode?: number } });
    expect(entries.filter((e) => e.msg === 'incoming request').length).toBeGreaterThanOrEqual(11);
    expect(entries.some((e) => e.res?.statusCode === 400)).toBe(true);
    expect(entries.some((e) => e.req?.url === `/v1/records/${id}`)).toBe(true);

    const all = lines.join('\n');
    for (const secret of [...SECRET_WORDS, VICTIM, SUSPECT, 'Ravensworth', ingest.key, reviewer.key, supervisor.key]) {
      expect(all, `log leaked "${secret}"`).not.toContain(secret);
    }
    expect(all).not.toMatch(/authorization/i);
  });
});
