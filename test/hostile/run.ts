// Sends hostile bodies to every write route of an app through app.inject() and checks each answer:
// never a 5xx; API errors in the contract shape, naming the field. Shared by the vitest test and
// scripts/hostile.ts (the full run, whose figures go in docs/operations.md).
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../src/store/database.ts';
import { createKey } from '../../src/store/keys.ts';
import type { HostileBody } from './bodies.ts';

export interface Route {
  name: string;
  url: string;
  api: boolean;
  headers: Record<string, string>;
  /** Console forms: put the CSRF token into a JSON object body so the handler itself is reached. */
  csrf?: string;
}

export interface Failure {
  index: number;
  kind: string;
  route: string;
  status: number;
  problem: string;
  body: string;
}

export interface HostileReport {
  bodies: number;
  requests: number;
  byStatus: Record<string, number>;
  byRoute: Record<string, Record<string, number>>;
  failures: Failure[];
  /** Requests whose 4xx answer did not name a field (API routes). */
  unnamedField: number;
  milliseconds: number;
  /** Time spent per body kind (where the time goes). */
  msByKind: Record<string, number>;
}

/** Every write route: the API's and the console's, with keys, a session and a queue item to aim at. */
export async function writeRoutes(app: FastifyInstance, store: Store): Promise<Route[]> {
  const admin = await createKey(store.db, 'hostile-admin', 'admin');
  const supervisor = await createKey(store.db, 'hostile-supervisor', 'supervisor');
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  // A flagged record so the queue routes act on a real item.
  const ingested = await app.inject({
    method: 'POST',
    url: '/v1/records',
    headers: bearer(admin),
    payload: { id: 'hostile-target', text: 'He has turned up at her home every night this week, sent 60 messages and threatened to kill her if she leaves.', recorded_as: 'Malicious Communications' },
  });
  const itemId = ingested.json().queue_item_id as number;
  if (!itemId) throw new Error('the target record was not queued');
  // A console session and its CSRF token, as a browser would have them.
  const signIn = await app.inject({ method: 'POST', url: '/console/sign-in', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `key=${encodeURIComponent(supervisor)}` });
  const cookie = String(signIn.headers['set-cookie'] ?? '').split(';')[0]!;
  const page = await app.inject({ method: 'GET', url: '/console/queue', headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!cookie || !csrf) throw new Error('could not open a console session');
  return [
    { name: 'POST /v1/screen', url: '/v1/screen', api: true, headers: bearer(admin) },
    { name: 'POST /v1/records', url: '/v1/records', api: true, headers: bearer(admin) },
    { name: 'POST /v1/queue/:itemId/claim', url: `/v1/queue/${itemId}/claim`, api: true, headers: bearer(supervisor) },
    { name: 'POST /v1/queue/:itemId/release', url: `/v1/queue/${itemId}/release`, api: true, headers: bearer(supervisor) },
    { name: 'POST /v1/queue/:itemId/decision', url: `/v1/queue/${itemId}/decision`, api: true, headers: bearer(supervisor) },
    { name: 'POST /console/sign-in', url: '/console/sign-in', api: false, headers: {} },
    { name: 'POST /console/sign-out', url: '/console/sign-out', api: false, headers: { cookie }, csrf },
    { name: 'POST /console/queue/:itemId/claim', url: `/console/queue/${itemId}/claim`, api: false, headers: { cookie }, csrf },
    { name: 'POST /console/queue/:itemId/release', url: `/console/queue/${itemId}/release`, api: false, headers: { cookie }, csrf },
    { name: 'POST /console/queue/:itemId/decision', url: `/console/queue/${itemId}/decision`, api: false, headers: { cookie }, csrf },
  ];
}

const withCsrf = (raw: string, csrf: string) => (/^\s*\{/.test(raw) ? raw.replace(/^\s*\{/, `{"_csrf":${JSON.stringify(csrf)}${/^\s*\{\s*\}/.test(raw) ? '' : ','}`) : raw);

/** Which routes a body goes to: every route, or (routesPerBody) a rotating subset. */
export async function runHostile(app: FastifyInstance, routes: Route[], bodies: HostileBody[], opts: { routesPerBody?: number } = {}): Promise<HostileReport> {
  const started = Date.now();
  const report: HostileReport = { bodies: bodies.length, requests: 0, byStatus: {}, byRoute: {}, failures: [], unnamedField: 0, milliseconds: 0, msByKind: {} };
  const per = Math.min(opts.routesPerBody ?? routes.length, routes.length);
  for (let i = 0; i < bodies.length; i++) {
    const body = bodies[i]!;
    for (let k = 0; k < per; k++) {
      const route = routes[(i + k) % routes.length]!;
      const raw = route.csrf && i % 2 === 0 && body.contentType === 'application/json' ? withCsrf(body.raw, route.csrf) : body.raw;
      const headers: Record<string, string> = { ...route.headers };
      if (body.contentType) headers['content-type'] = body.contentType;
      const t0 = performance.now();
      const res = await app.inject({ method: 'POST', url: route.url, headers, payload: raw });
      const kind = body.kind.replace(/-\d+$/, '');
      report.msByKind[kind] = Math.round((report.msByKind[kind] ?? 0) + performance.now() - t0);
      report.requests++;
      const s = String(res.statusCode);
      report.byStatus[s] = (report.byStatus[s] ?? 0) + 1;
      (report.byRoute[route.name] ??= {})[s] = (report.byRoute[route.name]![s] ?? 0) + 1;
      const fail = (problem: string) => report.failures.push({ index: i, kind: body.kind, route: route.name, status: res.statusCode, problem, body: raw.slice(0, 300) });
      if (res.statusCode >= 500) {
        fail(`status ${res.statusCode}: ${res.body.slice(0, 200)}`);
        continue;
      }
      if (route.api && res.statusCode >= 400) {
        let parsed: { error?: { code?: unknown; message?: unknown; field?: unknown } } | undefined;
        try {
          parsed = res.json();
        } catch {
          fail('error body is not JSON');
          continue;
        }
        const e = parsed?.error;
        if (!e || typeof e.code !== 'string' || typeof e.message !== 'string') fail('error body not in the contract shape');
        else if (typeof e.field !== 'string' || !e.field) {
          report.unnamedField++;
          fail(`error ${e.code} names no field`);
        }
      }
    }
  }
  report.milliseconds = Date.now() - started;
  return report;
}

/** Anything that leaked onto Object.prototype (must be empty). */
export function prototypePollution(): string[] {
  const leaks: string[] = [];
  const probe = {} as Record<string, unknown>;
  for (const key of ['polluted', 'yes', 'prototype']) if (probe[key] !== undefined) leaks.push(key);
  const own = Object.getOwnPropertyNames(Object.prototype);
  const expected = new Set(['constructor', '__defineGetter__', '__defineSetter__', 'hasOwnProperty', '__lookupGetter__', '__lookupSetter__', 'isPrototypeOf', 'propertyIsEnumerable', 'toString', 'valueOf', '__proto__', 'toLocaleString']);
  for (const k of own) if (!expected.has(k)) leaks.push(`Object.prototype.${k}`);
  if (({}).constructor !== Object) leaks.push('constructor replaced');
  return leaks;
}
