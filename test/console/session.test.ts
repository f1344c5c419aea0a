import { describe, expect, it } from 'vitest';
import { COOKIE_NAME, SessionSealer, clearedSessionCookie, readCookie, sessionCookie } from '../../src/console/session.ts';

const SECRET = 'a'.repeat(40);
const KEY = 'ssk_example-key-value-123';

describe('SessionSealer', () => {
  const sealer = new SessionSealer(SECRET);

  it('round-trips a session and never shows the key in the token', () => {
    const { token, session } = sealer.seal(KEY, 60_000, 1_000);
    expect(token).not.toContain(KEY);
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain(KEY);
    expect(sealer.unseal(token, 2_000)).toEqual(session);
  });

  it('rejects an expired token', () => {
    const { token } = sealer.seal(KEY, 60_000, 1_000);
    expect(sealer.unseal(token, 61_000)).toBeNull();
  });

  it.each([
    ['a flipped bit', (t: string) => { const b = Buffer.from(t, 'base64url'); b[b.length - 1]! ^= 1; return b.toString('base64url'); }],
    ['a truncated token', (t: string) => t.slice(0, 20)],
    ['garbage', () => 'not-a-token'],
    ['nothing', () => ''],
  ])('rejects %s', (_name, alter) => {
    const { token } = sealer.seal(KEY, 60_000);
    expect(sealer.unseal(alter(token))).toBeNull();
  });

  it('rejects a token sealed with another secret', () => {
    const { token } = new SessionSealer('b'.repeat(40)).seal(KEY, 60_000);
    expect(sealer.unseal(token)).toBeNull();
  });

  it('refuses a short secret', () => {
    expect(() => new SessionSealer('short')).toThrow(/32 bytes/);
  });

  it('binds the CSRF token to the session', () => {
    const a = sealer.seal(KEY, 60_000).session;
    const b = sealer.seal(KEY, 60_000).session;
    expect(sealer.checkCsrf(a, sealer.csrfToken(a))).toBe(true);
    expect(sealer.checkCsrf(a, sealer.csrfToken(b))).toBe(false);
    expect(sealer.checkCsrf(a, undefined)).toBe(false);
    expect(sealer.checkCsrf(a, '')).toBe(false);
  });
});

describe('cookies', () => {
  it('sets HttpOnly, SameSite=Strict, a path and a lifetime; Secure only when asked', () => {
    const c = sessionCookie('/console', 'tok', 3600, false);
    expect(c).toBe(`${COOKIE_NAME}=tok; Path=/console; Max-Age=3600; HttpOnly; SameSite=Strict`);
    expect(sessionCookie('/console', 'tok', 3600, true)).toMatch(/; Secure$/);
    expect(clearedSessionCookie('/console', false)).toContain('Max-Age=0');
  });

  it('reads one cookie among several', () => {
    expect(readCookie(`a=1; ${COOKIE_NAME}=xyz; b=2`, COOKIE_NAME)).toBe('xyz');
    expect(readCookie('a=1', COOKIE_NAME)).toBeUndefined();
    expect(readCookie(undefined, COOKIE_NAME)).toBeUndefined();
  });
});
