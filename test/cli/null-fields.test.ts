// One record schema for every entry point: optional fields sent as null (as many case systems
// serialise an empty field) mean "not given" in the API, `screen` and `eval` alike, and give the same
// result as the record without them; a null required field is still a 400 naming the field.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, keyFor, testApp, type TestDatabase } from '../server/helpers.ts';
import { runCli } from './run-cli.ts';

const TEXT = 'IP states ex-partner has rung her 30 times since Friday and was parked outside her work again this morning.';
const withNulls = { id: 'null-1', text: TEXT, recorded_as: null, kind: null, opening_code: null, occurred_at: null, victim_ref: null, suspect_ref: null, relationship: null, source: null };
const without = { id: 'null-1', text: TEXT };

const cli = runCli;

describe('optional fields given as null', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let auth: { authorization: string };
  beforeAll(async () => {
    tdb = await createTestDatabase('pglite');
    app = await testApp(tdb.store);
    auth = (await keyFor(tdb.store, 'ingest')).auth;
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await tdb.drop();
  });

  it('give the same result from the API, screen and eval as the record without them', async () => {
    const api = await app.inject({ method: 'POST', url: '/v1/screen', headers: auth, payload: withNulls });
    expect(api.statusCode, api.body).toBe(200);
    const apiPlain = await app.inject({ method: 'POST', url: '/v1/screen', headers: auth, payload: without });
    expect(api.json()).toEqual(apiPlain.json());

    const screened = await cli(['screen'], `${JSON.stringify(withNulls)}\n${JSON.stringify({ ...without, id: 'plain' })}\n`);
    expect(screened.stderr).toBe('');
    expect(screened.code).toBe(0);
    const [fromNulls, fromPlain] = screened.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect({ ...fromNulls, id: 'x' }).toEqual({ ...fromPlain, id: 'x' });
    expect(fromNulls.stalking_score).toBe(api.json().stalking_score);

    const dir = mkdtempSync(join(tmpdir(), 'null-eval-'));
    const dataset = join(dir, 'd.jsonl');
    writeFileSync(dataset, `${JSON.stringify({ ...withNulls, label_stalking: true, label_s4a: false, label_risk: null })}\n`);
    const evaluated = await cli(['eval', '--dataset', dataset, '--out', dir, '--resamples', '10']);
    expect(evaluated.stderr).not.toMatch(/expected string, received null/);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const prediction = JSON.parse(readFileSync(join(dir, 'predictions.jsonl'), 'utf8').trim());
    expect(prediction.stalking_score).toBe(api.json().stalking_score);
  }, 120_000);

  it('still refuse a null required field, naming it', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/screen', headers: auth, payload: { id: 'n', text: null } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe('text');
    const screened = await cli(['screen'], `${JSON.stringify({ id: null, text: TEXT })}\n`);
    expect(screened.code).toBe(1);
    expect(JSON.parse(screened.stderr.trim())).toMatchObject({ line: 1, field: 'id' });
  });
});
