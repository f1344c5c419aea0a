// Readiness clients can trust: while the screener loads, /readyz says not ready and the write and
// screen routes answer 503 with Retry-After, storing nothing; once it is ready both work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import type { Screener } from '../../src/screening/types.ts';
import { createTestDatabase, keyFor, testConfig, testScreener, type TestDatabase } from './helpers.ts';

describe('readiness while the screener loads', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase('pglite');
  });
  afterAll(() => tdb.drop());

  it('answers 503 with Retry-After until ready, stores nothing, then serves', async () => {
    let release!: (s: Screener) => void;
    const loading = new Promise<Screener>((resolve) => (release = resolve));
    const app = await buildApp(testConfig(), { store: tdb.store, screener: () => loading, loadShedding: false });
    try {
      await app.ready();
      const auth = (await keyFor(tdb.store, 'ingest')).auth;
      const record = { id: 'ready-1', text: 'He keeps turning up at her work and will not leave her alone.' };

      expect((await app.inject('/healthz')).statusCode).toBe(200);
      const notReady = await app.inject('/readyz');
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json()).toMatchObject({ status: 'not_ready', screener: 'loading' });
      for (const url of ['/v1/screen', '/v1/records']) {
        const res = await app.inject({ method: 'POST', url, headers: auth, payload: record });
        expect(res.statusCode, url).toBe(503);
        expect(Number(res.headers['retry-after']), url).toBeGreaterThan(0);
        expect(res.json().error.code).toBe('SCREENER_NOT_READY');
      }
      const stored = await tdb.store.db.selectFrom('records').select('id').execute();
      expect(stored).toEqual([]);

      release(await testScreener());
      await app.screenerHolder.loading;
      expect((await app.inject('/readyz')).statusCode).toBe(200);
      expect((await app.inject({ method: 'POST', url: '/v1/records', headers: auth, payload: record })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  }, 120_000);
});
