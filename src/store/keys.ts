// API keys: a random 32-byte secret shown once; only its sha-256 is stored.
import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database, Role } from './schema.ts';

type Db = Kysely<Database>;

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

export async function createKey(db: Db, name: string, role: Role): Promise<string> {
  const key = generateKey();
  try {
    await db.insertInto('api_keys').values({ name, role, key_hash: hashKey(key) }).execute();
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new KeyNameTakenError(name);
    throw err;
  }
  return key;
}

/** Revokes the active key with this name; returns how many were revoked (0 or 1). */
export async function revokeKey(db: Db, name: string): Promise<number> {
  const rows = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`now()` as never })
    .where('name', '=', name)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}

export async function findActiveKey(db: Db, keyHash: string): Promise<{ name: string; role: Role } | undefined> {
  return db
    .selectFrom('api_keys')
    .select(['name', 'role'])
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}
