// Fault: the model directory (MODELS_DIR) is missing or corrupt. In rules mode the service does not
// need it and every result says so in its versions (model "none"). In hybrid mode the service must
// not pretend: either readiness fails with a message naming the model problem and writes answer 503
// (never 500), or it runs rules-only and every result's versions say so.
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { createTestDatabase, keyFor, testConfig, type TestDatabase } from '../server/helpers.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const ROOT = join(import.meta.dirname, '..', '..');
const RECORD = { id: 'm-1', text: 'He has followed her home three times this week and she is too scared to go out.', recorded_as: 'Harassment' };

/** A copy of models/ with the largest file of the default model cut short (a half-written download). */
function corruptModelsDir(base: string): string {
  const dir = join(base, 'corrupt');
  cpSync(join(ROOT, 'models'), dir, { recursive: true });
  const model = join(dir, 'wink-sg-100d');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name !== 'manifest.json') files.push(p);
    }
  };
  walk(model);
  const largest = files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  writeFileSync(largest, 'truncated');
  return dir;
}

describe('model directory missing or corrupt', () => {
  let tdb: TestDatabase;
  let tmp: string;
  const saved = process.env.MODELS_DIR;
  beforeAll(async () => {
    tdb = await createTestDatabase('pglite');
    tmp = mkdtempSync(join(tmpdir(), 'screener-models-'));
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.MODELS_DIR;
    else process.env.MODELS_DIR = saved;
    await tdb?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function appWith(mode: 'rules' | 'hybrid', modelsDir: string) {
    process.env.MODELS_DIR = modelsDir;
    const app = await buildApp(testConfig({ screenerMode: mode }), { store: tdb.store, loadShedding: false });
    await app.ready();
    await app.screenerHolder.loading;
    return app;
  }

  it('rules mode does not need the model directory, and every result says model "none"', async () => {
    const app = await appWith('rules', join(tmp, 'missing'));
    try {
      const { auth } = await keyFor(tdb.store, 'admin');
      expect((await app.inject('/readyz')).json()).toMatchObject({ status: 'ready', versions: { model: 'none' } });
      const screened = await app.inject({ method: 'POST', url: '/v1/screen', headers: auth, payload: { records: [RECORD, { ...RECORD, id: 'm-2' }] } });
      expect(screened.statusCode).toBe(200);
      for (const r of screened.json().results) expect(r.versions.model).toBe('none');
      const stored = await app.inject({ method: 'POST', url: '/v1/records', headers: auth, payload: RECORD });
      expect(stored.statusCode).toBe(200);
      expect(stored.json().result.versions.model).toBe('none');
    } finally {
      await app.close();
    }
  });

  for (const fault of ['missing', 'corrupt'] as const) {
    it(`hybrid mode with the model directory ${fault}: not ready with a clear message, or rules-only said in every result`, async () => {
      const dir = fault === 'missing' ? join(tmp, 'missing') : corruptModelsDir(tmp);
      const app = await appWith('hybrid', dir);
      try {
        const { auth } = await keyFor(tdb.store, 'admin');
        const ready = await app.inject('/readyz');
        const screened = await app.inject({ method: 'POST', url: '/v1/screen', headers: auth, payload: RECORD });
        const stored = await app.inject({ method: 'POST', url: '/v1/records', headers: auth, payload: { ...RECORD, id: `m-${fault}` } });
        if (ready.statusCode === 503) {
          expect(ready.json()).toMatchObject({ status: 'not_ready', database: 'ok', screener: 'error' });
          expect(ready.json().screener_error).toMatch(/model/i);
          for (const res of [screened, stored]) {
            expect(res.statusCode).toBe(503);
            expect(res.json().error.code).toBe('SCREENER_NOT_READY');
          }
          // Nothing half-stored: the record was refused before the transaction.
          expect(await tdb.store.db.selectFrom('records').select('id').where('id', '=', `m-${fault}`).executeTakeFirst()).toBeUndefined();
        } else {
          expect(ready.statusCode).toBe(200);
          expect(screened.json().versions.model).toMatch(/none|rules/);
          expect(stored.json().result.versions.model).toMatch(/none|rules/);
        }
      } finally {
        await app.close();
      }
    });
  }
});
