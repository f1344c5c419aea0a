// A table of bad requests: each gets the right 4xx, JSON { error: { code, message, field } } naming
// the field, and never a 5xx; the server keeps serving afterwards.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BACKENDS, createTestDatabase, keyFor, testApp, uid, type TestDatabase } from './helpers.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

type Role = 'ingest' | 'reviewer' | 'supervisor' | 'none';
interface Case {
  name: string;
  as: Role;
  req: (ctx: { itemId: number; recordId: string }) => InjectOptions;
  status: number;
  field: string;
  code?: string;
}

const TEXT = 'IP states ex-partner has called her 30 times since Friday from a withheld number, turned up at her work twice and keeps messaging her sister asking where she lives.';
const post = (url: string, payload: unknown): InjectOptions => ({ method: 'POST', url, payload: payload as object });
const raw = (url: string, body: string, contentType = 'application/json'): InjectOptions => ({ method: 'POST', url, payload: body, headers: { 'content-type': contentType } });

const CASES: Case[] = [
  { name: 'missing id', as: 'ingest', req: () => post('/v1/records', { text: TEXT }), status: 400, field: 'id', code: 'VALIDATION_FAILED' },
  { name: 'missing text', as: 'ingest', req: () => post('/v1/records', { id: 'x1' }), status: 400, field: 'text' },
  { name: 'id is a number', as: 'ingest', req: () => post('/v1/records', { id: 5, text: TEXT }), status: 400, field: 'id' },
  { name: 'text is a number', as: 'ingest', req: () => post('/v1/records', { id: 'x1', text: 12 }), status: 400, field: 'text' },
  { name: 'text is empty', as: 'ingest', req: () => post('/v1/records', { id: 'x1', text: '' }), status: 400, field: 'text' },
  { name: 'text over 100,000 characters', as: 'ingest', req: () => post('/v1/records', { id: 'x1', text: 'a'.repeat(100_001) }), status: 400, field: 'text' },
  { name: 'id over 128 characters', as: 'ingest', req: () => post('/v1/records', { id: 'x'.repeat(129), text: TEXT }), status: 400, field: 'id' },
  { name: 'unknown kind', as: 'ingest', req: () => post('/v1/records', { id: 'x1', text: TEXT, kind: 'burglary' }), status: 400, field: 'kind' },
  { name: 'date that is not ISO 8601', as: 'ingest', req: () => post('/v1/records', { id: 'x1', text: TEXT, occurred_at: 'last tuesday' }), status: 400, field: 'occurred_at' },
  { name: 'victim_ref of the wrong type', as: 'ingest', req: () => post('/v1/records', { id: 'x1', text: TEXT, victim_ref: ['a'] }), status: 400, field: 'victim_ref' },
  { name: 'records is not an array', as: 'ingest', req: () => post('/v1/records', { records: 'many' }), status: 400, field: 'records' },
  { name: 'empty batch', as: 'ingest', req: () => post('/v1/records', { records: [] }), status: 400, field: 'records' },
  {
    name: 'batch over 1,000 records',
    as: 'ingest',
    req: () => post('/v1/records', { records: Array.from({ length: 1001 }, (_, i) => ({ id: `b${i}`, text: 't' })) }),
    status: 400,
    field: 'records',
  },
  { name: 'bad record inside a batch', as: 'ingest', req: () => post('/v1/records', { records: [{ id: 'a', text: TEXT }, { id: 'b', text: TEXT }, { id: 'c' }] }), status: 400, field: 'records.2.text' },
  { name: 'screen batch over 1,000', as: 'ingest', req: () => post('/v1/screen', { records: Array.from({ length: 1001 }, (_, i) => ({ id: `b${i}`, text: 't' })) }), status: 400, field: 'records' },
  { name: 'screen with a bad record', as: 'ingest', req: () => post('/v1/screen', { id: 'x', text: null }), status: 400, field: 'text' },
  { name: 'body is a JSON array', as: 'ingest', req: () => post('/v1/records', [{ id: 'x', text: TEXT }]), status: 400, field: 'body' },
  { name: 'body is a JSON string', as: 'ingest', req: () => raw('/v1/records', '"just a string"'), status: 400, field: 'body' },
  { name: 'invalid JSON', as: 'ingest', req: () => raw('/v1/records', '{"id": "x", "text": "unterminated'), status: 400, field: 'body', code: 'INVALID_JSON' },
  { name: 'empty JSON body on ingest', as: 'ingest', req: () => raw('/v1/records', ''), status: 400, field: 'body' },
  { name: 'body over the size limit (10 MB)', as: 'ingest', req: () => raw('/v1/records', JSON.stringify({ id: 'big', text: 'x'.repeat(10 * 1024 * 1024) })), status: 413, field: 'body', code: 'BODY_TOO_LARGE' },
  { name: 'wrong content type', as: 'ingest', req: () => raw('/v1/records', 'id=x&text=y', 'text/plain'), status: 415, field: 'content-type' },
  { name: 'no API key', as: 'none', req: () => ({ method: 'GET', url: '/v1/queue' }), status: 401, field: 'authorization', code: 'UNAUTHENTICATED' },
  { name: 'malformed Authorization header', as: 'none', req: () => ({ method: 'GET', url: '/v1/queue', headers: { authorization: 'Basic dXNlcjpwYXNz' } }), status: 401, field: 'authorization' },
  { name: 'unknown API key', as: 'none', req: () => ({ method: 'GET', url: '/v1/queue', headers: { authorization: 'Bearer ssk_unknown' } }), status: 401, field: 'authorization' },
  { name: 'role without the right (ingest reads the queue)', as: 'ingest', req: () => ({ method: 'GET', url: '/v1/queue' }), status: 403, field: 'authorization', code: 'FORBIDDEN' },
  { name: 'unknown queue status', as: 'reviewer', req: () => ({ method: 'GET', url: '/v1/queue?status=bogus' }), status: 400, field: 'status' },
  { name: 'unknown flag filter', as: 'reviewer', req: () => ({ method: 'GET', url: '/v1/queue?flag=NOT_A_FLAG' }), status: 400, field: 'flag' },
  { name: 'queue limit of zero', as: 'reviewer', req: () => ({ method: 'GET', url: '/v1/queue?limit=0' }), status: 400, field: 'limit' },
  { name: 'item id that is not a number', as: 'reviewer', req: () => post('/v1/queue/abc/claim', {}), status: 400, field: 'itemId' },
  { name: 'unknown item (claim)', as: 'reviewer', req: () => post('/v1/queue/999999/claim', {}), status: 404, field: 'itemId', code: 'ITEM_NOT_FOUND' },
  { name: 'unknown item (release)', as: 'reviewer', req: () => post('/v1/queue/999999/release', {}), status: 404, field: 'itemId' },
  { name: 'unknown item (decision)', as: 'reviewer', req: () => post('/v1/queue/999999/decision', { decision: 'not_stalking', reason: 'r' }), status: 404, field: 'itemId' },
  { name: 'bad decision value', as: 'reviewer', req: ({ itemId }) => post(`/v1/queue/${itemId}/decision`, { decision: 'maybe', reason: 'r' }), status: 400, field: 'decision' },
  { name: 'missing reason', as: 'reviewer', req: ({ itemId }) => post(`/v1/queue/${itemId}/decision`, { decision: 'not_stalking' }), status: 400, field: 'reason' },
  { name: 'blank reason', as: 'reviewer', req: ({ itemId }) => post(`/v1/queue/${itemId}/decision`, { decision: 'not_stalking', reason: '   ' }), status: 400, field: 'reason' },
  {
    name: 'recommended classification of the wrong type',
    as: 'reviewer',
    req: ({ itemId }) => post(`/v1/queue/${itemId}/decision`, { decision: 'stalking_s2a', reason: 'r', recommended_classification: 4 }),
    status: 400,
    field: 'recommended_classification',
  },
  { name: 'decision without a body', as: 'reviewer', req: ({ itemId }) => raw(`/v1/queue/${itemId}/decision`, ''), status: 400, field: 'body' },
  { name: 'unknown record', as: 'reviewer', req: () => ({ method: 'GET', url: '/v1/records/no-such-record' }), status: 404, field: 'id', code: 'RECORD_NOT_FOUND' },
  { name: 'unknown record with a version', as: 'reviewer', req: () => ({ method: 'GET', url: '/v1/records/no-such-record?version=2' }), status: 404, field: 'id' },
  { name: 'version zero', as: 'reviewer', req: ({ recordId }) => ({ method: 'GET', url: `/v1/records/${recordId}?version=0` }), status: 400, field: 'version' },
  { name: 'version that does not exist', as: 'reviewer', req: ({ recordId }) => ({ method: 'GET', url: `/v1/records/${recordId}?version=99` }), status: 404, field: 'version' },
  {
    name: 'justification over 500 characters',
    as: 'reviewer',
    req: ({ recordId }) => ({ method: 'GET', url: `/v1/records/${recordId}`, headers: { 'x-justification': 'j'.repeat(501) } }),
    status: 400,
    field: 'x-justification',
  },
  { name: 'audit since that is not a date', as: 'supervisor', req: () => ({ method: 'GET', url: '/v1/audit?since=yesterday' }), status: 400, field: 'since' },
  { name: 'export since that is not a date', as: 'supervisor', req: () => ({ method: 'GET', url: '/v1/export/decisions?since=soon' }), status: 400, field: 'since' },
  { name: 'unknown route', as: 'reviewer', req: () => ({ method: 'GET', url: '/v1/nothing-here' }), status: 404, field: 'url' },
];

describe.each(BACKENDS)('bad input on %s', (backend) => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  const auth: Partial<Record<Role, string>> = {};
  const ctx = { itemId: 0, recordId: '' };

  beforeAll(async () => {
    tdb = await createTestDatabase(backend);
    app = await testApp(tdb.store);
    for (const role of ['ingest', 'reviewer', 'supervisor'] as const) auth[role] = `Bearer ${(await keyFor(tdb.store, role)).key}`;
    const rec = (await app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: auth.ingest! }, payload: { id: uid(), text: TEXT } })).json();
    ctx.itemId = rec.queue_item_id;
    ctx.recordId = rec.id;
    expect((await app.inject({ method: 'POST', url: `/v1/queue/${ctx.itemId}/claim`, headers: { authorization: auth.reviewer! } })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await tdb?.drop();
  });

  it(`has at least 20 cases (${CASES.length})`, () => expect(CASES.length).toBeGreaterThanOrEqual(20));

  it.each(CASES)('$name -> $status naming "$field"', async (c) => {
    const req = c.req(ctx);
    const headers = { ...(req.headers ?? {}), ...(c.as !== 'none' ? { authorization: auth[c.as]! } : {}) };
    const res = await app.inject({ ...req, headers });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(c.status);
    expect(res.headers['content-type']).toContain('application/json');
    const body = res.json();
    expect(body.error.field).toBe(c.field);
    expect(body.error.message).toEqual(expect.any(String));
    if (c.code) expect(body.error.code).toBe(c.code);
  });

  it('is still healthy, and the claimed item was not decided by any of the bad requests', async () => {
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    const row = await tdb.store.db.selectFrom('queue_items').select('status').where('id', '=', ctx.itemId).executeTakeFirstOrThrow();
    expect(row.status).toBe('claimed');
    const body = (await app.inject({ url: '/metrics', headers: (await keyFor(tdb.store, 'admin')).auth })).body;
    expect(body).not.toMatch(/http_requests_total\{[^}]*status="5\d\d"/);
  });
});
