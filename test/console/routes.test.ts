// The console's server side, without a browser: sessions, roles, CSRF, rendering and the decision flow.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE_NAME } from '../../src/console/session.ts';
import { revokeKey } from '../../src/store/keys.ts';
import { consoleApp, csrfFrom, form, keyFor, signIn, stubScreener } from './helpers.ts';

const NARRATIVE =
  'Caller says her ex-partner followed her home on Monday and has sent 30 texts since. She is terrified. He did not threaten to kill her. There is a non-molestation order. <script>alert(1)</script>';

let app: FastifyInstance;
let keys: Record<'ingest' | 'reviewer' | 'supervisor' | 'admin', { name: string; key: string; auth: { authorization: string } }>;
let itemId: number;
const recordId = 'CAD/2024/0001 & co';

beforeAll(async () => {
  app = await consoleApp({ screener: stubScreener() });
  keys = {
    ingest: await keyFor(app, 'ingest'),
    reviewer: await keyFor(app, 'reviewer'),
    supervisor: await keyFor(app, 'supervisor'),
    admin: await keyFor(app, 'admin'),
  };
  const ingest = await app.inject({
    method: 'POST',
    url: '/v1/records',
    headers: keys.ingest.auth,
    payload: { id: recordId, text: NARRATIVE, recorded_as: 'Malicious Communications', victim_ref: 'V-1', suspect_ref: 'S-1' },
  });
  expect(ingest.statusCode).toBe(200);
  itemId = ingest.json().queue_item_id;
  expect(itemId).toBeGreaterThan(0);
});

afterAll(async () => {
  await app?.close();
});

const get = (url: string, cookie?: string) => app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

describe('sign-in', () => {
  it('sends a visitor without a session to the sign-in page, remembering where they were going', async () => {
    const res = await get('/console/queue?flag=HIGH_RISK');
    expect(res.statusCode).toBe(303);
    const to = new URL(res.headers.location as string, 'http://x');
    expect(to.pathname).toBe('/console/sign-in');
    expect(to.searchParams.get('next')).toBe('/console/queue?flag=HIGH_RISK');
  });

  it('has a labelled key field and landmarks', async () => {
    const res = await get('/console/sign-in');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<label for="key">API key<\/label>/);
    expect(res.body).toMatch(/<input id="key" name="key" type="password"/);
    expect(res.body).toContain('<main id="main"');
    expect(res.body).toContain('class="skip-link" href="#main"');
    expect(res.body).toContain('<html lang="en-GB">');
  });

  it.each([
    ['a wrong key', 'ssk_not-a-real-key', 401, 'not valid'],
    ['an empty key', '', 400, 'Paste your API key'],
  ])('refuses %s without setting a cookie', async (_name, key, status, message) => {
    const res = await app.inject({ method: 'POST', url: '/console/sign-in', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `key=${encodeURIComponent(key)}` });
    expect(res.statusCode).toBe(status);
    expect(res.body).toContain(message);
    expect(res.body).toContain('aria-invalid="true"');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refuses an ingest key: that role cannot read records', async () => {
    const res = await app.inject({ method: 'POST', url: '/console/sign-in', ...form({ key: keys.ingest.key }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('sets an HttpOnly, SameSite=Strict cookie that does not contain the key, and never echoes the key', async () => {
    const res = await app.inject({ method: 'POST', url: '/console/sign-in?next=%2Fconsole%2Faudit', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `key=${encodeURIComponent(keys.reviewer.key)}` });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/console/audit');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^${COOKIE_NAME}=`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/console');
    expect(cookie).not.toContain(keys.reviewer.key);
    const page = await get('/console/queue', cookie.split(';')[0]);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(keys.reviewer.key);
  });

  it('does not redirect anywhere outside the console after sign-in', async () => {
    const res = await app.inject({ method: 'POST', url: '/console/sign-in?next=https%3A%2F%2Fevil.example%2F', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `key=${encodeURIComponent(keys.reviewer.key)}` });
    expect(res.headers.location).toBe('/console/queue');
  });

  it('treats a tampered cookie as no session', async () => {
    const cookie = await signIn(app, keys.reviewer.key);
    const res = await get('/console/queue', `${cookie.slice(0, -3)}AAA`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/console\/sign-in\?notice=expired/);
  });

  it('ends the session as soon as the key is revoked', async () => {
    const temp = await keyFor(app, 'reviewer');
    const cookie = await signIn(app, temp.key);
    expect((await get('/console/queue', cookie)).statusCode).toBe(200);
    await revokeKey(app.store.db, temp.name);
    const res = await get('/console/queue', cookie);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/notice=expired/);
  });

  it('signs out by clearing the cookie', async () => {
    const cookie = await signIn(app, keys.reviewer.key);
    const page = await get('/console/queue', cookie);
    const res = await app.inject({ method: 'POST', url: '/console/sign-out', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${csrfFrom(page.body)}` });
    expect(res.statusCode).toBe(303);
    expect(String(res.headers['set-cookie'])).toContain('Max-Age=0');
  });
});

describe('roles', () => {
  it('shows a reviewer the queue only, and refuses the supervisor pages with 403', async () => {
    const cookie = await signIn(app, keys.reviewer.key);
    const queue = await get('/console/queue', cookie);
    expect(queue.body).toContain('aria-label="Main"');
    expect(queue.body).not.toContain('href="/console/audit"');
    expect(queue.body).not.toContain('href="/console/health"');
    for (const url of ['/console/audit', '/console/health']) {
      const res = await get(url, cookie);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('Not available to your role');
    }
  });

  it('shows a supervisor the audit trail and queue health', async () => {
    const cookie = await signIn(app, keys.supervisor.key);
    const queue = await get('/console/queue', cookie);
    expect(queue.body).toContain('href="/console/audit"');
    const health = await get('/console/health', cookie);
    expect(health.statusCode).toBe(200);
    expect(health.body).toMatch(/Awaiting decision<\/dt><dd><span class="stat-value">\d+/);
    expect((await get('/console/audit', cookie)).statusCode).toBe(200);
  });

  it('lets an admin read but offers no claim or decision', async () => {
    const cookie = await signIn(app, keys.admin.key);
    const queue = await get('/console/queue', cookie);
    expect(queue.statusCode).toBe(200);
    expect(queue.body).not.toContain('Open and claim');
    const record = await get(`/console/records/${encodeURIComponent(recordId)}`, cookie);
    expect(record.body).toContain('can read records but not decide them');
  });
});

describe('queue and record pages', () => {
  it('lists the item with its flags, risk, countdown and recorded versus suggested classification', async () => {
    const cookie = await signIn(app, keys.reviewer.key);
    const res = await get('/console/queue', cookie);
    expect(res.body).toContain(`data-record="${recordId.replace('&', '&amp;')}"`);
    expect(res.body).toContain('Missed stalking');
    expect(res.body).toMatch(/class="risk risk-medium">Medium/);
    expect(res.body).toMatch(/data-countdown[^>]*>due in (23 h|1 d)/);
    expect(res.body).toContain('Malicious Communications');
    expect(res.body).toContain('<strong>Stalking s2A</strong>');
  });

  it('filters by flag', async () => {
    const cookie = await signIn(app, keys.reviewer.key);
    const none = await get('/console/queue?flag=HIGH_RISK', cookie);
    expect(none.body).toContain('Nothing to review with these filters.');
    const some = await get('/console/queue?flag=MISSED_STALKING', cookie);
    expect(some.body).toContain('Open and claim');
  });

  it('highlights each span, labels muted mentions with their cue, and escapes the narrative', async () => {
    const cookie = await signIn(app, keys.reviewer.key);
    const res = await get(`/console/records/${encodeURIComponent(recordId)}`, cookie);
    expect(res.statusCode).toBe(200);
    for (const words of ['followed her home', 'sent 30 texts', 'terrified', 'threaten to kill', 'non-molestation order']) {
      expect(res.body).toMatch(new RegExp(`<mark [^>]*>${words}</mark>`));
    }
    expect(res.body).toMatch(/<mark class="ev cat-risk muted"[^>]*data-tag="\d+ RISK · not asserted"/);
    expect(res.body).toContain('negated by “did not”');
    expect(res.body).toMatch(/<mark class="ev cat-order"/);
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Reading the record through the console is audited by the API as a record read.
    const audit = await app.inject({ method: 'GET', url: `/v1/audit?action=record.read&target=${encodeURIComponent(recordId)}`, headers: keys.supervisor.auth });
    expect(audit.json().entries.some((e: { actor: string; justification: string }) => e.actor === keys.reviewer.name && /console/.test(e.justification))).toBe(true);
  });

  it('shows a 404 page for an unknown record', async () => {
    const cookie = await signIn(app, keys.reviewer.key);
    const res = await get('/console/records/nope', cookie);
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('sends security headers and forbids caching', async () => {
    const cookie = await signIn(app, keys.reviewer.key);
    const res = await get('/console/queue', cookie);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});

describe('claim, decide, release', () => {
  it('refuses a form without the CSRF token, and one posted from another site', async () => {
    const cookie = await signIn(app, keys.reviewer.key);
    const noToken = await app.inject({ method: 'POST', url: `/console/queue/${itemId}/claim`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'record=x' });
    expect(noToken.statusCode).toBe(403);
    const page = await get('/console/queue', cookie);
    const crossSite = await app.inject({
      method: 'POST',
      url: `/console/queue/${itemId}/claim`,
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${csrfFrom(page.body)}`,
    });
    expect(crossSite.statusCode).toBe(403);
    const item = await app.inject({ method: 'GET', url: '/v1/queue', headers: keys.reviewer.auth });
    expect(item.json().items.find((i: { id: number }) => i.id === itemId).status).toBe('open');
  });

  it('claims on open, keeps the reason when it is missing, then records the decision and returns to the queue', async () => {
    const cookie = await signIn(app, keys.reviewer.key);
    const queue = await get('/console/queue', cookie);
    const csrf = csrfFrom(queue.body);

    const open = await app.inject({ method: 'POST', url: `/console/queue/${itemId}/claim`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: csrf, record: recordId }).toString() });
    expect(open.statusCode).toBe(303);
    expect(open.headers.location).toBe(`/console/records/${encodeURIComponent(recordId)}`);

    const record = await get(open.headers.location as string, cookie);
    expect(record.body).toContain('Claimed by you');
    expect(record.body).toMatch(/<legend>Decision<\/legend>/);
    expect(record.body).toMatch(/<label for="reason">Reason \(required\)<\/label>/);
    expect(record.body).toContain('Keyboard shortcuts');

    const noReason = await app.inject({
      method: 'POST',
      url: `/console/queue/${itemId}/decision`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, record: recordId, decision: 'stalking_s2a', reason: '   ', recommended_classification: 'Stalking s2A' }).toString(),
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Give a reason for the decision.');
    expect(noReason.body).toMatch(/id="decision-\d" value="stalking_s2a" required data-shortcut="1" checked/);
    expect(noReason.body).toContain('value="Stalking s2A"');

    const decided = await app.inject({
      method: 'POST',
      url: `/console/queue/${itemId}/decision`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, record: recordId, decision: 'stalking_s2a', reason: 'Following and 30 texts after separation: a course of conduct.', recommended_classification: 'Stalking s2A' }).toString(),
    });
    expect(decided.statusCode).toBe(303);
    expect(decided.headers.location).toBe(`/console/queue?notice=decided&record=${encodeURIComponent(recordId)}`);

    const after = await get(decided.headers.location as string, cookie);
    expect(after.body).toContain('Decision recorded for');
    expect(after.body).not.toContain(`data-item="${itemId}"`);
    const history = await get(`/console/records/${encodeURIComponent(recordId)}`, cookie);
    expect(history.body).toContain('Following and 30 texts after separation');
    expect(history.body).toContain('This item has been decided.');
  });

  it('releases a claim back to the queue', async () => {
    const other = await app.inject({ method: 'POST', url: '/v1/records', headers: keys.ingest.auth, payload: { id: 'REL-1', text: 'He followed her home and sent 30 texts.' } });
    const id = other.json().queue_item_id as number;
    const cookie = await signIn(app, keys.reviewer.key);
    const csrf = csrfFrom((await get('/console/queue', cookie)).body);
    const post = (path: string) => app.inject({ method: 'POST', url: `/console/queue/${id}/${path}`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: csrf, record: 'REL-1' }).toString() });
    expect((await post('claim')).statusCode).toBe(303);
    const released = await post('release');
    expect(released.statusCode).toBe(303);
    expect(released.headers.location).toMatch(/notice=released/);
    const item = await app.inject({ method: 'GET', url: '/v1/queue', headers: keys.reviewer.auth });
    expect(item.json().items.find((i: { id: number }) => i.id === id).status).toBe('open');
  });
});
