// Console sessions: a sealed (AES-256-GCM: encrypted and authenticated), expiring token in an
// HttpOnly, SameSite=Strict cookie. It carries the API key so every console action goes through the
// API itself (its key check, role grants, validation and audit); the key is never written into a
// page, a URL, a log or anything script can read, and a forged or expired token opens nothing.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const COOKIE_NAME = 'ss_console';

export interface Session {
  /** The API key, as sent to the API; only ever decrypted on the server. */
  key: string;
  /** Random per sign-in: binds the CSRF token to this session. */
  sid: string;
  issuedAt: number;
  expiresAt: number;
}

export class SessionSealer {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(secret: string | Buffer) {
    const ikm = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (ikm.length < 32) throw new Error('the console session secret must be at least 32 bytes');
    this.encKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'stalking-screener console session v1', 32));
    this.macKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'stalking-screener console csrf v1', 32));
  }

  seal(key: string, lifetimeMs: number, now = Date.now()): { token: string; session: Session } {
    const session: Session = { key, sid: randomBytes(16).toString('base64url'), issuedAt: now, expiresAt: now + lifetimeMs };
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify({ k: session.key, s: session.sid, i: session.issuedAt, e: session.expiresAt }), 'utf8'), cipher.final()]);
    const token = Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]).toString('base64url');
    return { token, session };
  }

  /** The session in a token, or null if it was forged, altered, sealed with another secret or has expired. */
  unseal(token: string | undefined, now = Date.now()): Session | null {
    if (!token || token.length > 2048) return null;
    const buf = Buffer.from(token, 'base64url');
    if (buf.length < 1 + 12 + 16 + 2 || buf[0] !== 1) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.encKey, buf.subarray(1, 13));
      decipher.setAuthTag(buf.subarray(13, 29));
      const json = Buffer.concat([decipher.update(buf.subarray(29)), decipher.final()]).toString('utf8');
      const p = JSON.parse(json) as { k?: unknown; s?: unknown; i?: unknown; e?: unknown };
      if (typeof p.k !== 'string' || typeof p.s !== 'string' || typeof p.i !== 'number' || typeof p.e !== 'number') return null;
      if (p.e <= now) return null;
      return { key: p.k, sid: p.s, issuedAt: p.i, expiresAt: p.e };
    } catch {
      return null;
    }
  }

  /** A per-session token every console form carries; a cross-site form cannot know it. */
  csrfToken(session: Session): string {
    return createHmac('sha256', this.macKey).update(session.sid).digest('base64url');
  }

  checkCsrf(session: Session, token: unknown): boolean {
    if (typeof token !== 'string') return false;
    const expected = Buffer.from(this.csrfToken(session));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** The value of one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(path: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${COOKIE_NAME}=${value}`,
    `Path=${path}`,
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Strict',
    secure ? 'Secure' : '',
  ]
    .filter(Boolean)
    .join('; ');
}

export function clearedSessionCookie(path: string, secure: boolean): string {
  return sessionCookie(path, '', 0, secure);
}
