// Hostile input: 10,000 seeded bodies (random JSON, deep nesting, huge strings, wrong types, control
// characters, odd Unicode, prototype-pollution keys, broken JSON, wrong content types) against every
// write route of the API and the console through app.inject(). Never a 5xx, never a crash, API errors
// name the field, and nothing leaks onto Object.prototype. In CI each body goes to one route in
// rotation (1,000 per route); scripts/hostile.ts sends every body to every route.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hostileBodies } from './bodies.ts';
import { prototypePollution, runHostile, writeRoutes, type Route } from './run.ts';
import { createTestDatabase, testApp, type TestDatabase } from '../server/helpers.ts';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const SEED = 20261122;

describe('hostile bodies against every write route', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let routes: Route[];
  beforeAll(async () => {
    tdb = await createTestDatabase('pglite');
    app = await testApp(tdb.store);
    routes = await writeRoutes(app, tdb.store);
  });
  afterAll(async () => {
    await app?.close();
    await tdb?.drop();
  });

  it('generates the same varied set for a seed', () => {
    const a = hostileBodies(SEED, 300);
    expect(hostileBodies(SEED, 300)).toEqual(a);
    const kinds = new Set(a.map((b) => b.kind.replace(/-\d+$/, '').replace(/^(deep|huge)-.*/, '$1').replace(/^content-type:.*/, 'content-type')));
    for (const k of ['random-json', 'record', 'batch', 'deep', 'prototype-pollution', 'huge', 'decision', 'broken-json', 'content-type']) expect(kinds).toContain(k);
  });

  it('10,000 bodies: no 5xx, no crash, every API error names its field, no prototype pollution', async () => {
    const bodies = hostileBodies(SEED, 10_000);
    const report = await runHostile(app, routes, bodies, { routesPerBody: 1 });
    expect(report.requests).toBe(10_000);
    expect(report.failures.slice(0, 5)).toEqual([]);
    expect(Object.keys(report.byStatus).filter((s) => Number(s) >= 500)).toEqual([]);
    // Every route was exercised, and bodies got past parsing to validation and to the handlers.
    expect(Object.keys(report.byRoute).sort()).toEqual(routes.map((r) => r.name).sort());
    expect(report.byRoute['POST /v1/records']!['400']).toBeGreaterThan(100);
    expect(report.byRoute['POST /v1/records']!['200']).toBeGreaterThan(10);
    expect(report.byRoute['POST /v1/screen']!['200']).toBeGreaterThan(10);

    expect(prototypePollution()).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Still serving, and what was stored did not carry a pollution key onto a prototype either.
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    const stored = await tdb.store.db.selectFrom('record_versions').select('payload').execute();
    for (const s of stored) expect(Object.getPrototypeOf(s.payload)).toBe(Object.prototype);
  });

  it('a record that PostgreSQL could not store is refused with the field named, not a 500', async () => {
    const auth = routes.find((r) => r.url === '/v1/records')!.headers;
    const cases: [string, string, string][] = [
      ['NUL in text', '{"id":"n1","text":"a\\u0000b"}', 'text'],
      ['unpaired surrogate in recorded_as', '{"id":"n2","text":"t","recorded_as":"x\\ud800"}', 'recorded_as'],
      ['NUL in a nested unknown field', '{"id":"n3","text":"t","meta":{"notes":["ok","\\u0000"]}}', 'meta.notes.1'],
      ['deep nesting in an unknown field', `{"id":"n4","text":"t","extra":${'['.repeat(5000)}${']'.repeat(5000)}}`, 'extra'],
      ['deep nesting inside a batch', `{"records":[{"id":"n5","text":"t"},{"id":"n6","text":"t","x":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}]}`, 'records.1.x'],
    ];
    for (const [name, raw, field] of cases) {
      const res = await app.inject({ method: 'POST', url: '/v1/records', headers: { ...auth, 'content-type': 'application/json' }, payload: raw });
      expect(res.statusCode, name).toBe(400);
      expect(res.json().error.field, name).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}`));
    }
  });
});
