// The console's API keys page, through the real app on embedded PGlite: an admin creates a key that
// then works against the API, sees its secret once, revokes it so the API refuses it, and both are
// in the audit log; other roles and forms without the CSRF token are refused; no log holds a secret.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyCommand } from '../../src/cli/key-command.ts';
import { consoleApp, csrfFrom, keyFor, signIn, stubScreener } from './helpers.ts';

type Key = Awaited<ReturnType<typeof keyFor>>;

let app: FastifyInstance;
let admin: Key;
let supervisor: Key;
let reviewer: Key;
const logLines: string[] = [];
/** Every secret the console hands out, so the log check can look for each. */
const secrets: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  app = await consoleApp({ screener: stubScreener(), logStream: sink });
  admin = await keyFor(app, 'admin');
  supervisor = await keyFor(app, 'supervisor');
  reviewer = await keyFor(app, 'reviewer');
});

afterAll(async () => {
  await app?.close();
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const get = (url: string, cookie: string) => app.inject({ method: 'GET', url, headers: { cookie } });
const post = (url: string, cookie: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { cookie, ...FORM, ...headers }, payload: new URLSearchParams(fields).toString() });
const screen = (key: string) =>
  app.inject({ method: 'POST', url: '/v1/screen', headers: { authorization: `Bearer ${key}` }, payload: { id: 'K-1', text: 'He followed her home and sent 30 texts.' } });

/** A signed-in session and the CSRF token from one of its pages. */
async function session(key: Key) {
  const cookie = await signIn(app, key.key);
  const csrf = csrfFrom((await get('/console/queue', cookie)).body);
  return { cookie, csrf };
}

async function createInConsole(s: { cookie: string; csrf: string }, name: string, role: string) {
  const res = await post('/console/keys', s.cookie, { _csrf: s.csrf, name, role });
  const secret = /id="new-key"[^>]*value="(ssk_[^"]+)"/.exec(res.body)?.[1];
  if (secret) secrets.push(secret);
  return { res, secret };
}

const keyRow = (name: string) => app.store.db.selectFrom('api_keys').selectAll().where('name', '=', name).orderBy('id', 'desc').executeTakeFirst();

async function auditEntries(action: string, target: string) {
  const res = await app.inject({ method: 'GET', url: `/v1/audit?action=${action}&target=${encodeURIComponent(target)}`, headers: supervisor.auth });
  expect(res.statusCode).toBe(200);
  return res.json().entries as { actor: string; role: string | null; action: string; target: string; details: Record<string, unknown> }[];
}

describe('who sees the keys page', () => {
  it('links it for admins only', async () => {
    const a = await session(admin);
    expect((await get('/console/queue', a.cookie)).body).toContain('href="/console/keys"');
    for (const other of [supervisor, reviewer]) {
      const s = await session(other);
      expect((await get('/console/queue', s.cookie)).body).not.toContain('href="/console/keys"');
    }
  });

  it('refuses the page and both forms to a reviewer and a supervisor with 403, changing nothing', async () => {
    const target = await keyFor(app, 'ingest');
    const targetId = (await keyRow(target.name))!.id;
    for (const other of [reviewer, supervisor]) {
      const s = await session(other);
      const page = await get('/console/keys', s.cookie);
      expect(page.statusCode).toBe(403);
      expect(page.body).toContain('Admins can.');
      expect((await get(`/console/keys?revoke=${targetId}`, s.cookie)).statusCode).toBe(403);
      // A valid CSRF token, so the refusal is the role check's.
      const name = `sneaky-${other.name}`;
      const created = await post('/console/keys', s.cookie, { _csrf: s.csrf, name, role: 'admin' });
      expect(created.statusCode).toBe(403);
      expect(created.body).not.toMatch(/ssk_/);
      expect(await keyRow(name)).toBeUndefined();
      expect((await post(`/console/keys/${targetId}/revoke`, s.cookie, { _csrf: s.csrf })).statusCode).toBe(403);
    }
    expect((await keyRow(target.name))!.revoked_at).toBeNull();
    expect((await screen(target.key)).statusCode).toBe(200);
    expect(await auditEntries('key.create', `sneaky-${reviewer.name}`)).toEqual([]);
    expect(await auditEntries('key.revoke', target.name)).toEqual([]);
  });
});

describe('CSRF', () => {
  it('refuses a create or revoke form without a valid token, or from another site', async () => {
    const a = await session(admin);
    const target = await keyFor(app, 'ingest');
    const targetId = (await keyRow(target.name))!.id;

    expect((await post('/console/keys', a.cookie, { name: 'no-token', role: 'ingest' })).statusCode).toBe(403);
    expect((await post('/console/keys', a.cookie, { _csrf: `${a.csrf.slice(0, -2)}xx`, name: 'bad-token', role: 'ingest' })).statusCode).toBe(403);
    // Another admin session's token does not fit this session.
    const other = await session(admin);
    expect((await post('/console/keys', a.cookie, { _csrf: other.csrf, name: 'other-token', role: 'ingest' })).statusCode).toBe(403);
    expect((await post('/console/keys', a.cookie, { _csrf: a.csrf, name: 'cross-site', role: 'ingest' }, { origin: 'https://evil.example' })).statusCode).toBe(403);
    for (const name of ['no-token', 'bad-token', 'other-token', 'cross-site']) expect(await keyRow(name)).toBeUndefined();

    expect((await post(`/console/keys/${targetId}/revoke`, a.cookie, {})).statusCode).toBe(403);
    expect((await post(`/console/keys/${targetId}/revoke`, a.cookie, { _csrf: 'forged' })).statusCode).toBe(403);
    expect((await keyRow(target.name))!.revoked_at).toBeNull();
    expect((await screen(target.key)).statusCode).toBe(200);
  });
});

describe('an admin manages keys in the console', () => {
  it('creates a key that works against the API, shows its secret once, revokes it so the API refuses it, and audits both', async () => {
    const a = await session(admin);
    const name = 'cad-adapter';

    const list = await get('/console/keys', a.cookie);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('<h1>API keys</h1>');
    expect(list.body).toMatch(/<label for="key-name">Name<\/label>/);
    for (const role of ['ingest', 'reviewer', 'supervisor', 'admin']) expect(list.body).toContain(`name="role" id="key-role-${['ingest', 'reviewer', 'supervisor', 'admin'].indexOf(role)}" value="${role}"`);
    // Existing keys are listed by name and role, never with their secrets.
    expect(list.body).toContain(admin.name);
    expect(list.body).toContain(`${admin.name} <span class="muted-text">(your key)</span>`);
    for (const k of [admin, supervisor, reviewer]) expect(list.body).not.toContain(k.key);

    const { res: created, secret } = await createInConsole(a, name, 'ingest');
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(secret).toMatch(/^ssk_[\w-]{43}$/);
    expect(created.body.split(secret!).length - 1).toBe(1);
    expect(created.body).toContain('Copy the key now: it will not be shown again.');
    const row = (await keyRow(name))!;
    expect(row.role).toBe('ingest');
    expect(row.revoked_at).toBeNull();
    expect(created.body).not.toContain(row.key_hash);

    // The new key works against the API at once.
    expect((await screen(secret!)).statusCode).toBe(200);

    // The list afterwards names it but holds neither the secret nor its hash.
    const after = await get('/console/keys', a.cookie);
    expect(after.body).toMatch(new RegExp(`<tr data-key-id="${row.id}" class="">[\\s\\S]*?<th scope="row">${name}</th>\\s*<td>ingest</td>[\\s\\S]*?<strong>Active</strong>`));
    expect(after.body).not.toContain(secret!);
    expect(after.body).not.toContain(row.key_hash);

    // Revoke: the row's button asks first; only the confirmation's POST revokes.
    const ask = await get(`/console/keys?revoke=${row.id}`, a.cookie);
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain(`Revoke the key “${name}”?`);
    expect(ask.body).toContain(`action="/console/keys/${row.id}/revoke"`);
    expect((await keyRow(name))!.revoked_at).toBeNull();
    expect((await screen(secret!)).statusCode).toBe(200);

    const revoked = await post(`/console/keys/${row.id}/revoke`, a.cookie, { _csrf: csrfFrom(ask.body) });
    expect(revoked.statusCode).toBe(303);
    expect(revoked.headers.location).toBe('/console/keys?notice=key-revoked');
    // Refused at once, although this server looked the key up a moment ago (its lookup cache is dropped).
    const refused = await screen(secret!);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('UNAUTHENTICATED');

    const done = await get(revoked.headers.location as string, a.cookie);
    expect(done.body).toContain('Revoked the key; it is refused from now on.');
    expect(done.body).toMatch(new RegExp(`<tr data-key-id="${row.id}" class="muted-row">[\\s\\S]*?Revoked <time`));
    expect(done.body).not.toContain(`name="revoke" value="${row.id}"`);
    expect(done.body).not.toContain(secret!);

    // Both operations are audited under the CLI's action names, by the signed-in admin, with the key's id and never its secret.
    const creates = await auditEntries('key.create', name);
    expect(creates).toHaveLength(1);
    expect(creates[0]).toMatchObject({ actor: admin.name, role: 'admin', action: 'key.create', target: name, details: { key_id: row.id, role: 'ingest' } });
    const revokes = await auditEntries('key.revoke', name);
    expect(revokes).toHaveLength(1);
    expect(revokes[0]).toMatchObject({ actor: admin.name, role: 'admin', action: 'key.revoke', target: name, details: { key_id: row.id, role: 'ingest' } });
    const lists = (await auditEntries('key.list', '*')).filter((e) => e.actor === admin.name);
    expect(lists.length).toBeGreaterThanOrEqual(3);
    const everything = await app.inject({ method: 'GET', url: '/v1/audit?limit=1000', headers: supervisor.auth });
    expect(everything.body).not.toContain(secret!);
    expect(everything.body).not.toContain(row.key_hash);

    // The console's audit page filters them by action, naming the key rather than linking a record.
    const s = await session(supervisor);
    const auditPage = await get('/console/audit?action=key.revoke', s.cookie);
    expect(auditPage.body).toMatch(new RegExp(`<tr data-action="key.revoke" data-target="${name}">[\\s\\S]*?key <code>${name}</code>`));
    expect(auditPage.body).not.toContain(`href="/console/records/${name}"`);
  });

  it('lets the same key name be reused once the old key is revoked, and refuses a second active one', async () => {
    const a = await session(admin);
    const first = await createInConsole(a, 'reused-name', 'reviewer');
    expect(first.res.statusCode).toBe(201);
    const taken = await createInConsole(a, 'reused-name', 'supervisor');
    expect(taken.res.statusCode).toBe(409);
    expect(taken.secret).toBeUndefined();
    expect(taken.res.body).toContain('an active key named &quot;reused-name&quot; already exists');
    expect(taken.res.body).toContain('aria-invalid="true"');
    expect((await keyRow('reused-name'))!.role).toBe('reviewer');

    const id = (await keyRow('reused-name'))!.id;
    expect((await post(`/console/keys/${id}/revoke`, a.cookie, { _csrf: a.csrf })).statusCode).toBe(303);
    const again = await createInConsole(a, 'reused-name', 'supervisor');
    expect(again.res.statusCode).toBe(201);
    expect((await keyRow('reused-name'))!.role).toBe('supervisor');
    expect((await screen(first.secret!)).statusCode).toBe(401);
    expect((await screen(again.secret!)).statusCode).toBe(200);
  });

  it.each([
    ['a name with spaces', { name: 'two words', role: 'ingest' }, 'name', 'a key name is'],
    ['an empty name', { name: '', role: 'ingest' }, 'name', 'a key name is'],
    ['a role the project does not have', { name: 'wizard-key', role: 'wizard' }, 'role', 'the role must be one of: ingest, reviewer, supervisor, admin'],
    ['no role', { name: 'no-role-key', role: '' }, 'role', 'the role must be one of'],
  ])('refuses %s with a 400 that keeps the form, creating nothing', async (_what, fields, field, message) => {
    const a = await session(admin);
    const before = await app.store.db.selectFrom('api_keys').select('id').execute();
    const res = await post('/console/keys', a.cookie, { _csrf: a.csrf, ...fields });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect(res.body).not.toMatch(/ssk_/);
    expect(res.body).toContain(field === 'name' ? 'id="key-name-error"' : 'id="key-role-error"');
    if (fields.name) expect(res.body).toContain(`value="${fields.name}"`);
    expect(await app.store.db.selectFrom('api_keys').select('id').execute()).toHaveLength(before.length);
  });

  it('does nothing and says so when the key is already revoked or does not exist', async () => {
    const a = await session(admin);
    const gone = await keyFor(app, 'ingest');
    const id = (await keyRow(gone.name))!.id;
    expect((await post(`/console/keys/${id}/revoke`, a.cookie, { _csrf: a.csrf })).statusCode).toBe(303);
    for (const target of [id, 987_654]) {
      const res = await post(`/console/keys/${target}/revoke`, a.cookie, { _csrf: a.csrf });
      expect(res.headers.location).toBe('/console/keys?notice=key-not-active');
    }
    expect(await auditEntries('key.revoke', gone.name)).toHaveLength(1);
    expect((await post('/console/keys/not-a-number/revoke', a.cookie, { _csrf: a.csrf })).statusCode).toBe(404);
  });

  it('signs the admin out when they revoke the key they are signed in with', async () => {
    const self = await keyFor(app, 'admin');
    const s = await session(self);
    const id = (await keyRow(self.name))!.id;
    const ask = await get(`/console/keys?revoke=${id}`, s.cookie);
    expect(ask.body).toContain('This is the key you are signed in with');
    const res = await post(`/console/keys/${id}/revoke`, s.cookie, { _csrf: s.csrf });
    expect(res.statusCode).toBe(303);
    const next = await get(res.headers.location as string, s.cookie);
    expect(next.statusCode).toBe(303);
    expect(next.headers.location).toMatch(/^\/console\/sign-in\?notice=expired/);
  });

  it('is the CLI’s operation: a key made by `keys create` is listed and revoked here, with the same audit entries', async () => {
    const made = await keyCommand(app.store, ['create', '--role', 'ingest', '--name', 'from-cli'], 'cli:tester');
    expect(made.code).toBe(0);
    const cliSecret = made.stdout.trimEnd().split('\n').at(-1)!;
    secrets.push(cliSecret);
    const row = (await keyRow('from-cli'))!;

    const a = await session(admin);
    const list = await get('/console/keys', a.cookie);
    expect(list.body).toContain(`<tr data-key-id="${row.id}" class="">`);
    expect(list.body).not.toContain(cliSecret);
    expect((await post(`/console/keys/${row.id}/revoke`, a.cookie, { _csrf: a.csrf })).statusCode).toBe(303);
    expect((await screen(cliSecret)).statusCode).toBe(401);

    // The CLI sees the console's revocation, and both paths wrote the same shape of entry.
    expect((await keyCommand(app.store, ['list'], 'cli:tester')).stdout).toMatch(/^from-cli\tingest\tcreated \S+\trevoked \S+$/m);
    expect((await keyCommand(app.store, ['revoke', '--name', 'from-cli'], 'cli:tester')).code).toBe(1);
    const [created] = await auditEntries('key.create', 'from-cli');
    const [revoked] = await auditEntries('key.revoke', 'from-cli');
    expect(created).toMatchObject({ actor: 'cli:tester', role: null, details: { key_id: row.id, role: 'ingest' } });
    expect(revoked).toMatchObject({ actor: admin.name, role: 'admin', details: { key_id: row.id, role: 'ingest' } });
    // The command's own checks are the store's, so a request through the admin socket gets them too.
    const bad = await keyCommand(app.store, ['create', '--role', 'wizard', '--name', 'merlin'], 'cli:tester');
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(await keyRow('merlin')).toBeUndefined();
  });
});

describe('logs', () => {
  it('record the key operations but never a secret', async () => {
    // Its own create and revoke, so this test holds when run alone; the other tests' secrets are checked too.
    const a = await session(admin);
    const { secret } = await createInConsole(a, 'for-the-log', 'reviewer');
    expect(secret).toBeDefined();
    const row = await keyRow('for-the-log');
    expect((await post(`/console/keys/${row!.id}/revoke`, a.cookie, { _csrf: a.csrf })).statusCode).toBe(303);
    expect(logLines.some((l) => l.includes('console: key created'))).toBe(true);
    expect(logLines.some((l) => l.includes('console: key revoked'))).toBe(true);
    for (const secret of [...secrets, admin.key, supervisor.key, reviewer.key]) {
      expect(logLines.filter((l) => l.includes(secret))).toEqual([]);
    }
  });
});
