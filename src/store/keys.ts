// API keys: a random 32-byte secret shown once; only its sha-256 is stored.
// The operations people run (create, revoke, list) are the audited functions at the end; the CLI
// (directly or through a running server's admin socket), the first start and the console all use them.
import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { appendAudit } from './audit.ts';
import { type Database, ROLES, type Role } from './schema.ts';

type Db = Kysely<Database>;

/** Key names appear in the audit log as actors, so they are kept short and plain. */
export const KEY_NAME_RULE = '1-64 letters, digits, . _ @ -';
const KEY_NAME = /^[\w.@-]{1,64}$/;

export const isKeyName = (name: unknown): name is string => typeof name === 'string' && KEY_NAME.test(name);
export const isRole = (role: unknown): role is Role => typeof role === 'string' && (ROLES as readonly string[]).includes(role);

export function generateKey(): string {
  // The prefix makes a leaked key easy to recognise in a secret scanner.
  return `ssk_${randomBytes(32).toString('base64url')}`;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export class KeyNameTakenError extends Error {
  constructor(name: string) {
    super(`an active key named "${name}" already exists; revoke it first or choose another name`);
  }
}

export class InvalidKeyError extends Error {
  constructor(
    readonly field: 'name' | 'role',
    message: string,
  ) {
    super(message);
  }
}

async function insertKey(db: Db, name: string, role: Role): Promise<{ id: number; key: string }> {
  const key = generateKey();
  try {
    const row = await db.insertInto('api_keys').values({ name, role, key_hash: hashKey(key) }).returning('id').executeTakeFirstOrThrow();
    return { id: row.id, key };
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new KeyNameTakenError(name);
    throw err;
  }
}

type KeySelector = { name: string } | { id: number };

async function revokeActive(db: Db, which: KeySelector): Promise<{ id: number; name: string; role: Role } | undefined> {
  const active = db.updateTable('api_keys').set({ revoked_at: sql<Date>`now()` as never }).where('revoked_at', 'is', null);
  return ('id' in which ? active.where('id', '=', which.id) : active.where('name', '=', which.name)).returning(['id', 'name', 'role']).executeTakeFirst();
}

/** A key without an audit entry: test fixtures only. People create keys with createKeyAudited. */
export async function createKey(db: Db, name: string, role: Role): Promise<string> {
  return (await insertKey(db, name, role)).key;
}

/** Revokes the active key with this name without an audit entry (test fixtures); returns 0 or 1. */
export async function revokeKey(db: Db, name: string): Promise<number> {
  return (await revokeActive(db, { name })) ? 1 : 0;
}

export async function findActiveKey(db: Db, keyHash: string): Promise<{ name: string; role: Role } | undefined> {
  return db
    .selectFrom('api_keys')
    .select(['name', 'role'])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

// ---- the audited operations ----

/** Who runs a key operation, as the audit log records it: a key name (console), `cli:USER` or `system:...`. */
export interface KeyActor {
  actor: string;
  /** The actor's role, when the actor is a key. */
  role?: Role | null;
}

/** What may be shown about a key: never its secret or its hash. */
export interface KeySummary {
  id: number;
  name: string;
  role: Role;
  created_at: string;
  revoked_at: string | null;
}

/**
 * Creates a key and its `key.create` audit entry in one transaction. The secret is returned once,
 * to be shown once; only its hash is stored, and the audit entry holds the key's id, name and role.
 * Throws InvalidKeyError for a bad name or role, KeyNameTakenError when an active key has the name.
 */
export async function createKeyAudited(db: Db, input: { name: string; role: string }, by: KeyActor): Promise<{ id: number; name: string; role: Role; key: string }> {
  const { name, role } = input;
  if (!isKeyName(name)) throw new InvalidKeyError('name', `a key name is ${KEY_NAME_RULE}`);
  if (!isRole(role)) throw new InvalidKeyError('role', `the role must be one of: ${ROLES.join(', ')}`);
  return db.transaction().execute(async (trx) => {
    const { id, key } = await insertKey(trx, name, role);
    await appendAudit(trx, { actor: by.actor, role: by.role ?? null, action: 'key.create', target: name, details: { key_id: id, role } });
    return { id, name, role, key };
  });
}

/**
 * Revokes the active key with this name or id, with its `key.revoke` audit entry, in one
 * transaction; undefined (and nothing audited) when no active key matches. Servers that cached the
 * key stop accepting it within 10 seconds (plugins/auth.ts); the revoking server can forget it at once.
 */
export async function revokeKeyAudited(db: Db, which: KeySelector, by: KeyActor): Promise<{ id: number; name: string; role: Role } | undefined> {
  return db.transaction().execute(async (trx) => {
    const revoked = await revokeActive(trx, which);
    if (revoked) await appendAudit(trx, { actor: by.actor, role: by.role ?? null, action: 'key.revoke', target: revoked.name, details: { key_id: revoked.id, role: revoked.role } });
    return revoked;
  });
}

/** Every key, active and revoked, oldest first; listing them is audited as `key.list`. */
export async function listKeysAudited(db: Db, by: KeyActor): Promise<KeySummary[]> {
  const rows = await db.selectFrom('api_keys').select(['id', 'name', 'role', 'created_at', 'revoked_at']).orderBy('id').execute();
  await appendAudit(db, { actor: by.actor, role: by.role ?? null, action: 'key.list', target: '*', details: { returned: rows.length } });
  return rows.map((k) => ({
    id: k.id,
    name: k.name,
    role: k.role,
    created_at: new Date(k.created_at).toISOString(),
    revoked_at: k.revoked_at ? new Date(k.revoked_at).toISOString() : null,
  }));
}
