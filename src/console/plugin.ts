// The screening-unit console: server-rendered pages under /console on the API's own server.
// Register it inside buildApp after the /v1 routes: `await app.register(consolePlugin, { sessionSecret })`.
// It reads and acts through the /v1 API (see api.ts); see README.md for why it is built this way.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { GRANTS, type Permission, forgetCachedKeys } from '../server/plugins/auth.ts';
import { FLAG_CODES } from '../server/schemas.ts';
import { InvalidKeyError, KeyNameTakenError, createKeyAudited, findActiveKey, hashKey, listKeysAudited, revokeKeyAudited } from '../store/keys.ts';
import type { Role } from '../store/schema.ts';
import { type ApiResult, ConsoleApi } from './api.ts';
import { queueHealth, recordSummaries } from './data.ts';
import { DECISION_LABELS } from './evidence.ts';
import type { Html } from './html.ts';
import { type KeyForm, keyCreatedBody, keysBody } from './views/keys.ts';
import { BASE, type Notice, type Section, type Viewer, page } from './views/layout.ts';
import { errorBody, signInBody } from './views/pages.ts';
import { STATUS_FILTERS, queueBody } from './views/queue.ts';
import { type DecisionForm, recordBody } from './views/record.ts';
import { AUDIT_ACTIONS, auditBody, healthBody } from './views/supervisor.ts';
import { COOKIE_NAME, type Session, SessionSealer, clearedSessionCookie, readCookie, sessionCookie } from './session.ts';

export interface ConsoleOptions {
  /**
   * Secret (at least 32 bytes) that seals session cookies. Set it (e.g. from a CONSOLE_SECRET
   * variable) so sessions survive a restart and work across instances; without it a random secret
   * is made at start and everyone signs in again after a restart.
   */
  sessionSecret?: string | undefined;
  /** How long a sign-in lasts; default 8 hours (a shift). */
  sessionHours?: number | undefined;
  /** Mark the cookie Secure. Default: when the request came over https. Set true behind a TLS proxy. */
  secureCookies?: boolean | undefined;
}

interface ConsoleUser {
  session: Session;
  viewer: Viewer;
  api: ConsoleApi;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Console routes reachable without a session (sign-in, static assets). */
    consolePublic?: boolean;
  }
  interface FastifyRequest {
    consoleUser: ConsoleUser | null;
  }
}

const has = (role: Role, p: Permission) => GRANTS[role].includes(p);
/** The console shows records and the queue, so a role needs both to use it (ingest has neither). */
export const canUseConsole = (role: Role) => has(role, 'queue:read') && has(role, 'records:read');

const PAGE_SIZE = 50;

const NOTICES: Record<string, (record: string) => Notice> = {
  decided: (r) => ({ kind: 'success', text: `Decision recorded for ${r}.` }),
  released: (r) => ({ kind: 'success', text: `Released ${r}; it is back in the queue.` }),
  'signed-out': () => ({ kind: 'info', text: 'You have signed out.' }),
  expired: () => ({ kind: 'info', text: 'Your session has ended or your key is no longer valid. Sign in again.' }),
  'sign-in': () => ({ kind: 'info', text: 'Sign in to continue.' }),
  locked: () => ({ kind: 'error', text: 'Another reviewer holds a claim on this item, so you can read it but not decide it.' }),
  'already-decided': () => ({ kind: 'info', text: 'This item has already been decided.' }),
  'not-holder': () => ({ kind: 'error', text: 'You do not hold a live claim on this item, so there was nothing to release.' }),
  missing: () => ({ kind: 'error', text: 'That queue item no longer exists.' }),
  // No key name from the URL: a crafted link must not be able to say that a named key was revoked.
  'key-revoked': () => ({ kind: 'success', text: 'Revoked the key; it is refused from now on. The list below shows it as revoked.' }),
  'key-not-active': () => ({ kind: 'error', text: 'That key had already been revoked, or does not exist; nothing was changed.' }),
};

/** The notice named in ?notice=, about the record (?record=) it names. */
function noticeFrom(query: unknown): Notice | null {
  const q = query as Record<string, unknown>;
  const make = typeof q.notice === 'string' ? NOTICES[q.notice] : undefined;
  const subject = typeof q.record === 'string' ? q.record : 'the record';
  return make ? make(subject.slice(0, 128)) : null;
}

const enc = encodeURIComponent;
const recordPath = (id: string, notice?: string) => `${BASE}/records/${enc(id)}${notice ? `?notice=${notice}` : ''}`;

/** Only a console path may be a post-sign-in destination (no open redirect). */
function safeNext(next: unknown): string | null {
  return typeof next === 'string' && next.startsWith(`${BASE}/`) && !next.startsWith('//') && !/[\\\s]/.test(next) && next.length < 600 ? next : null;
}

function loadAssets() {
  const read = (name: string) => readFileSync(new URL(`./static/${name}`, import.meta.url), 'utf8');
  const files = new Map<string, { body: string; type: string; hash: string }>();
  for (const [name, type] of [
    ['console.css', 'text/css; charset=utf-8'],
    ['console.js', 'text/javascript; charset=utf-8'],
  ] as const) {
    const body = read(name);
    files.set(name, { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
  }
  return {
    files,
    urls: { css: `${BASE}/static/console.css?v=${files.get('console.css')!.hash}`, js: `${BASE}/static/console.js?v=${files.get('console.js')!.hash}` },
  };
}

const itemParams = z.object({ itemId: z.coerce.number().int().positive().max(2_147_483_647) });
const formString = (max: number) => z.string().max(max).optional().default('');

const consoleRoutes: FastifyPluginAsync<ConsoleOptions> = async (app, opts) => {
  if (!app.hasDecorator('store')) throw new Error('the console needs app.store: register it inside buildApp');
  const sealer = new SessionSealer(opts.sessionSecret ?? randomBytes(32));
  const lifetimeMs = (opts.sessionHours ?? 8) * 3_600_000;
  const assets = loadAssets();
  const secure = (request: FastifyRequest) => opts.secureCookies ?? request.protocol === 'https';

  // Console pages are not part of the API's OpenAPI description.
  app.addHook('onRoute', (route) => {
    route.schema = { ...(route.schema ?? {}), hide: true };
  });

  // HTML forms post application/x-www-form-urlencoded; parsed here only, for the console's routes.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.decorateRequest('consoleUser', null);

  app.addHook('onSend', async (_request, reply, payload) => {
    // Pages hold narratives: no inline script or style, no framing, no caching, no referrer (ids are in URLs).
    void reply.header('content-security-policy', "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    return payload;
  });

  const render = (reply: FastifyReply, status: number, title: string, section: Section, viewer: Viewer | null, body: Html, notice?: Notice | null) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(page({ title, section, viewer, assets: assets.urls, notice, body }).value);

  const errorPage = (reply: FastifyReply, viewer: Viewer | null, status: number, heading: string, message: string) =>
    render(reply, status, heading, 'error', viewer, errorBody(status, heading, message));

  const forbidden = (reply: FastifyReply, viewer: Viewer, allowed = 'Supervisors') =>
    errorPage(reply, viewer, 403, 'Not available to your role', `The ${viewer.role} role cannot open this page. ${allowed} can.`);

  const toSignIn = (request: FastifyRequest, reply: FastifyReply, notice: string) => {
    const next = request.method === 'GET' ? safeNext(request.url) : null;
    const qs = new URLSearchParams({ notice });
    if (next && !next.startsWith(`${BASE}/sign-in`)) qs.set('next', next);
    return reply.header('set-cookie', clearedSessionCookie(BASE, secure(request))).redirect(`${BASE}/sign-in?${qs.toString()}`, 303);
  };

  /** A failed API call as a page or a redirect; 401 means the key stopped working mid-session. */
  const apiFailure = (request: FastifyRequest, reply: FastifyReply, viewer: Viewer, res: Extract<ApiResult<unknown>, { ok: false }>) => {
    if (res.status === 401) return toSignIn(request, reply, 'expired');
    if (res.status === 403) return forbidden(reply, viewer);
    if (res.status === 404) return errorPage(reply, viewer, 404, 'Not found', res.error.message);
    if (res.status === 429 || res.status === 503) return errorPage(reply, viewer, res.status, 'Busy', 'The service is busy; wait a moment and try again.');
    return errorPage(reply, viewer, res.status >= 400 && res.status < 600 ? res.status : 502, 'That did not work', res.error.message);
  };

  app.addHook('onRequest', async (request, reply) => {
    // A state-changing request must come from this site's own pages (SameSite=Strict and the CSRF
    // token cover the session; this also covers the sign-in form, which has no session yet).
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const origin = request.headers.origin;
      if (origin && origin !== 'null') {
        let host: string | undefined;
        try {
          host = new URL(origin).host;
        } catch {
          host = undefined;
        }
        if (host !== request.headers.host) return errorPage(reply, null, 403, 'Refused', 'This form was sent from another site.');
      }
    }
    if (request.routeOptions.config?.consolePublic || request.is404) return;
    const session = sealer.unseal(readCookie(request.headers.cookie, COOKIE_NAME));
    if (!session) return toSignIn(request, reply, request.headers.cookie?.includes(`${COOKIE_NAME}=`) ? 'expired' : 'sign-in');
    // The same key check the API makes (a revoked key ends the session at once).
    const found = await findActiveKey(app.store.db, hashKey(session.key));
    if (!found || !canUseConsole(found.role)) return toSignIn(request, reply, 'expired');
    request.consoleUser = {
      session,
      api: new ConsoleApi(app, session.key),
      viewer: {
        name: found.name,
        role: found.role,
        csrf: sealer.csrfToken(session),
        canReview: has(found.role, 'queue:review'),
        canSupervise: has(found.role, 'audit:read'),
        canReleaseAny: has(found.role, 'queue:release-any'),
        canManageKeys: has(found.role, 'keys:manage'),
      },
    };
  });

  app.addHook('preHandler', async (request, reply) => {
    const user = request.consoleUser;
    if (!user || request.method === 'GET' || request.method === 'HEAD') return;
    if (!sealer.checkCsrf(user.session, (request.body as Record<string, unknown> | undefined)?._csrf)) {
      return errorPage(reply, user.viewer, 403, 'Refused', 'The form had expired or did not come from this console. Go back, reload the page and try again.');
    }
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err }, 'console error');
    const message = status === 413 ? 'The form was too large.' : status < 500 ? 'The request was not understood.' : 'Something went wrong on the server; the action may not have completed. Check the record before trying again.';
    return errorPage(reply, request.consoleUser?.viewer ?? null, status, status < 500 ? 'That did not work' : 'Server error', message);
  });

  app.setNotFoundHandler((request, reply) => errorPage(reply, null, 404, 'Page not found', 'There is no console page at this address.'));

  // ---- public: static assets and sign-in ----

  app.get('/static/:file', { config: { consolePublic: true } }, async (request, reply) => {
    const file = assets.files.get((request.params as { file: string }).file);
    if (!file) return errorPage(reply, null, 404, 'Not found', 'No such file.');
    // URLs carry a content hash, so a changed file is a new URL.
    return reply.header('cache-control', 'public, max-age=31536000, immutable').type(file.type).send(file.body);
  });

  app.get('/', { config: { consolePublic: true } }, async (_request, reply) => reply.redirect(`${BASE}/queue`, 303));

  app.get('/sign-in', { config: { consolePublic: true } }, async (request, reply) => {
    const next = safeNext((request.query as Record<string, unknown>).next);
    return render(reply, 200, 'Sign in', 'sign-in', null, signInBody(null, next), noticeFrom(request.query));
  });

  app.post('/sign-in', { config: { consolePublic: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = safeNext((request.query as Record<string, unknown>).next);
    const again = (status: number, error: string) => render(reply, status, 'Sign in', 'sign-in', null, signInBody(error, next));
    const key = typeof body.key === 'string' ? body.key.trim() : '';
    if (!key || key.length > 512) return again(400, 'Paste your API key.');
    const found = await findActiveKey(app.store.db, hashKey(key));
    if (!found) return again(401, 'That key is not valid or has been revoked.');
    if (!canUseConsole(found.role)) return again(403, `A key with the ${found.role} role cannot use the console. Use a reviewer, supervisor or admin key.`);
    const { token } = sealer.seal(key, lifetimeMs);
    request.log.info({ role: found.role }, 'console sign-in');
    return reply.header('set-cookie', sessionCookie(BASE, token, lifetimeMs / 1000, secure(request))).redirect(next ?? `${BASE}/queue`, 303);
  });

  // ---- signed in ----

  app.post('/sign-out', async (request, reply) => {
    return reply.header('set-cookie', clearedSessionCookie(BASE, secure(request))).redirect(`${BASE}/sign-in?notice=signed-out`, 303);
  });

  const queueQuery = z.object({
    status: z.enum(STATUS_FILTERS.map(([v]) => v) as [string, ...string[]]).catch('pending'),
    flag: z.enum(FLAG_CODES).optional().catch(undefined),
    offset: z.coerce.number().int().min(0).max(1_000_000).catch(0),
  });

  app.get('/queue', async (request, reply) => {
    const { api, viewer } = request.consoleUser!;
    const raw = request.query as Record<string, unknown>;
    const f = queueQuery.parse({ status: raw.status ?? 'pending', flag: raw.flag || undefined, offset: raw.offset ?? 0 });
    const res = await api.queue({ status: f.status, flag: f.flag, limit: PAGE_SIZE, offset: f.offset });
    if (!res.ok) return apiFailure(request, reply, viewer, res);
    const summaries = await recordSummaries(app.store.db, res.body.items.map((i) => i.record_id));
    const body = queueBody(
      { items: res.body.items, total: res.body.total, summaries, filter: { status: f.status, flag: f.flag ?? '', offset: f.offset, limit: PAGE_SIZE }, flagCodes: FLAG_CODES, now: Date.now() },
      viewer,
    );
    return render(reply, 200, 'Queue', 'queue', viewer, body, noticeFrom(request.query));
  });

  app.post('/queue/:itemId/claim', async (request, reply) => {
    const { api, viewer } = request.consoleUser!;
    const params = itemParams.safeParse(request.params);
    if (!params.success) return errorPage(reply, viewer, 404, 'Not found', 'No queue item with this id.');
    const back = formString(128).safeParse((request.body as Record<string, unknown>)?.record);
    const record = back.success ? back.data : '';
    const res = await api.claim(params.data.itemId);
    if (res.ok) return reply.redirect(recordPath(res.body.record_id), 303);
    if (res.status === 409 && record) return reply.redirect(recordPath(record, res.error.code === 'ITEM_DECIDED' ? 'already-decided' : 'locked'), 303);
    if (res.status === 404) return reply.redirect(`${BASE}/queue?notice=missing`, 303);
    return apiFailure(request, reply, viewer, res);
  });

  app.post('/queue/:itemId/release', async (request, reply) => {
    const { api, viewer } = request.consoleUser!;
    const params = itemParams.safeParse(request.params);
    if (!params.success) return errorPage(reply, viewer, 404, 'Not found', 'No queue item with this id.');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const res = await api.release(params.data.itemId);
    const record = res.ok ? res.body.record_id : typeof body.record === 'string' ? body.record.slice(0, 128) : '';
    if (res.ok) {
      const to = body.return === 'health' ? `${BASE}/health` : body.return === 'record' ? recordPath(record) : `${BASE}/queue`;
      return reply.redirect(`${to}${to.includes('?') ? '&' : '?'}notice=released&record=${enc(record)}`, 303);
    }
    if (res.status === 409 && record) return reply.redirect(recordPath(record, 'not-holder'), 303);
    return apiFailure(request, reply, viewer, res);
  });

  const decisionBody = z.object({
    decision: z.enum(Object.keys(DECISION_LABELS) as [string, ...string[]], { error: 'Choose a decision.' }),
    reason: z.string().trim().min(1, 'Give a reason for the decision.').max(4000, 'Keep the reason under 4,000 characters.'),
    recommended_classification: z.string().trim().max(200, 'Keep the classification under 200 characters.').optional(),
  });

  async function recordPage(request: FastifyRequest, reply: FastifyReply, id: string, status: number, form?: DecisionForm, notice?: Notice | null) {
    const { api, viewer } = request.consoleUser!;
    const res = await api.record(id);
    if (!res.ok) return apiFailure(request, reply, viewer, res);
    const timeline = await recordSummaries(app.store.db, [res.body.id, ...res.body.linked_records.map((l) => l.id)]);
    const body = recordBody({ data: res.body, timeline, now: Date.now(), ...(form ? { form } : {}) }, viewer);
    return render(reply, status, `Record ${res.body.id}`, 'record', viewer, body, notice);
  }

  app.post('/queue/:itemId/decision', async (request, reply) => {
    const { api, viewer } = request.consoleUser!;
    const params = itemParams.safeParse(request.params);
    if (!params.success) return errorPage(reply, viewer, 404, 'Not found', 'No queue item with this id.');
    const raw = (request.body ?? {}) as Record<string, unknown>;
    const record = typeof raw.record === 'string' ? raw.record.slice(0, 128) : '';
    const form: DecisionForm = {
      decision: typeof raw.decision === 'string' ? raw.decision : '',
      reason: typeof raw.reason === 'string' ? raw.reason : '',
      recommended_classification: typeof raw.recommended_classification === 'string' ? raw.recommended_classification : '',
    };
    const parsed = decisionBody.safeParse({ ...form, recommended_classification: form.recommended_classification?.trim() || undefined });
    if (!parsed.success) {
      if (!record) return errorPage(reply, viewer, 400, 'That did not work', parsed.error.issues[0]!.message);
      const errors = parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? 'decision'), message: i.message }));
      return recordPage(request, reply, record, 400, { ...form, errors });
    }
    const res = await api.decide(params.data.itemId, {
      decision: parsed.data.decision,
      reason: parsed.data.reason,
      ...(parsed.data.recommended_classification ? { recommended_classification: parsed.data.recommended_classification } : {}),
    });
    if (res.ok) return reply.redirect(`${BASE}/queue?notice=decided&record=${enc(res.body.decision.record_id)}`, 303);
    if (record && res.status === 409 && res.error.code === 'ITEM_DECIDED') return reply.redirect(recordPath(record, 'already-decided'), 303);
    if (record && (res.status === 400 || res.status === 409)) {
      const message = res.error.code === 'CLAIM_REQUIRED' ? 'Your claim has ended or was released. Claim the item again, then record the decision (your reason is kept below).' : res.error.message;
      return recordPage(request, reply, record, res.status, { ...form, errors: [{ field: res.error.field && res.error.field !== 'itemId' ? res.error.field : 'decision-form', message }] });
    }
    return apiFailure(request, reply, viewer, res);
  });

  app.get('/records/:id', async (request, reply) => {
    const id = (request.params as { id: string }).id;
    if (!id || id.length > 128) return errorPage(reply, request.consoleUser!.viewer, 404, 'Not found', 'No record with this id.');
    return recordPage(request, reply, id, 200, undefined, noticeFrom(request.query));
  });

  // ---- supervisors ----

  const auditQuery = z.object({
    actor: z.string().max(128).catch(''),
    action: z.enum(AUDIT_ACTIONS).or(z.literal('')).catch(''),
    target: z.string().max(128).catch(''),
    before: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  });

  app.get('/audit', async (request, reply) => {
    const { api, viewer } = request.consoleUser!;
    if (!viewer.canSupervise) return forbidden(reply, viewer);
    const raw = request.query as Record<string, unknown>;
    const f = auditQuery.parse({ actor: raw.actor ?? '', action: raw.action ?? '', target: raw.target ?? '', before: raw.before || undefined });
    const limit = 100;
    const res = await api.audit({ actor: f.actor || undefined, action: f.action || undefined, target: f.target || undefined, before: f.before, limit });
    if (!res.ok) return apiFailure(request, reply, viewer, res);
    return render(reply, 200, 'Audit trail', 'audit', viewer, auditBody({ entries: res.body.entries, filter: f, limit }), noticeFrom(request.query));
  });

  app.get('/health', async (request, reply) => {
    const { api, viewer } = request.consoleUser!;
    if (!viewer.canSupervise) return forbidden(reply, viewer);
    const [pending, claimed] = await Promise.all([api.queue({ status: 'pending', limit: 500 }), api.queue({ status: 'claimed', limit: 500 })]);
    if (!pending.ok) return apiFailure(request, reply, viewer, pending);
    if (!claimed.ok) return apiFailure(request, reply, viewer, claimed);
    const health = await queueHealth(app.store.db);
    const body = healthBody({ health, overdue: pending.body.items.filter((i) => i.overdue), claimed: claimed.body.items, now: Date.now() }, viewer);
    return render(reply, 200, 'Queue health', 'health', viewer, body, noticeFrom(request.query));
  });

  // ---- admins: API keys ----
  // No /v1 route manages keys, so these call the store's audited key operations directly: the same
  // functions, rules and audit entries as `stalking-screener keys`, with the signed-in key as actor.

  const keyId = z.coerce.number().int().positive().max(2_147_483_647);

  async function keysPage(request: FastifyRequest, reply: FastifyReply, status: number, opts: { confirmId?: number; form?: KeyForm } = {}) {
    const { viewer } = request.consoleUser!;
    const keys = await listKeysAudited(app.store.db, { actor: viewer.name, role: viewer.role });
    const confirm = keys.find((k) => k.id === opts.confirmId && !k.revoked_at);
    return render(reply, status, 'API keys', 'keys', viewer, keysBody({ keys, confirm, form: opts.form }, viewer), noticeFrom(request.query));
  }

  app.get('/keys', async (request, reply) => {
    const { viewer } = request.consoleUser!;
    if (!viewer.canManageKeys) return forbidden(reply, viewer, 'Admins');
    const revoke = keyId.safeParse((request.query as Record<string, unknown>).revoke);
    return keysPage(request, reply, 200, revoke.success ? { confirmId: revoke.data } : {});
  });

  app.post('/keys', async (request, reply) => {
    const { viewer } = request.consoleUser!;
    if (!viewer.canManageKeys) return forbidden(reply, viewer, 'Admins');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form: KeyForm = { name: typeof body.name === 'string' ? body.name.trim().slice(0, 200) : '', role: typeof body.role === 'string' ? body.role : '' };
    try {
      const created = await createKeyAudited(app.store.db, { name: form.name!, role: form.role! }, { actor: viewer.name, role: viewer.role });
      // The secret goes into this one response (no-store) and nowhere else: not a URL, not the log.
      request.log.info({ keyId: created.id, keyRole: created.role }, 'console: key created');
      return render(reply, 201, 'Key created', 'keys', viewer, keyCreatedBody(created), { kind: 'success', text: `Created the ${created.role} key “${created.name}”.` });
    } catch (err) {
      if (err instanceof InvalidKeyError) return keysPage(request, reply, 400, { form: { ...form, errors: [{ field: err.field, message: err.message }] } });
      if (err instanceof KeyNameTakenError) return keysPage(request, reply, 409, { form: { ...form, errors: [{ field: 'name', message: err.message }] } });
      throw err;
    }
  });

  app.post('/keys/:id/revoke', async (request, reply) => {
    const { viewer } = request.consoleUser!;
    if (!viewer.canManageKeys) return forbidden(reply, viewer, 'Admins');
    const id = keyId.safeParse((request.params as { id: string }).id);
    if (!id.success) return errorPage(reply, viewer, 404, 'Not found', 'No key with this id.');
    const revoked = await revokeKeyAudited(app.store.db, { id: id.data }, { actor: viewer.name, role: viewer.role });
    if (!revoked) return reply.redirect(`${BASE}/keys?notice=key-not-active`, 303);
    // This server refuses the key at once, rather than when its cached lookup expires.
    forgetCachedKeys(app.store);
    request.log.info({ keyId: revoked.id }, 'console: key revoked');
    return reply.redirect(`${BASE}/keys?notice=key-revoked`, 303);
  });
};

/** The console under /console. Encapsulated: its hooks, body parser and error pages apply to its routes only. */
export const consolePlugin: FastifyPluginAsync<ConsoleOptions> = async (app: FastifyInstance, opts) => {
  await app.register(consoleRoutes, { ...opts, prefix: BASE });
};
