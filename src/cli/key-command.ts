// The keys commands' work on a store, shared by the CLI (on a database it opened) and a running
// server (asked through its admin socket, src/server/admin-socket.ts). Every operation is audited.
import { parseArgs } from 'node:util';
import { appendAudit } from '../store/audit.ts';
import type { Store } from '../store/database.ts';
import { createKey, KeyNameTakenError, revokeKey } from '../store/keys.ts';
import type { Role } from '../store/schema.ts';

export interface KeyReply {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a validated `keys` command on a store: the CLI on a database it opened, or a running server
 * on its own database when the CLI asks through the admin socket. Every operation is audited.
 */
export async function keyCommand(store: Store, args: string[], actor: string): Promise<KeyReply> {
  const [action, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { role: { type: 'string' }, name: { type: 'string' } }, strict: true });
  if (action === 'create') {
    const role = values.role as Role;
    const name = values.name!;
    let key: string;
    try {
      key = await createKey(store.db, name, role);
    } catch (err) {
      if (err instanceof KeyNameTakenError) return { code: 1, stdout: '', stderr: `${err.message}\n` };
      throw err;
    }
    await appendAudit(store.db, { actor, action: 'key.create', target: name, details: { role } });
    return { code: 0, stdout: `created ${role} key "${name}"; it is shown once, store it now:\n${key}\n`, stderr: '' };
  }
  if (action === 'revoke') {
    const n = await revokeKey(store.db, values.name!);
    if (!n) return { code: 1, stdout: '', stderr: `no active key named "${values.name}"\n` };
    await appendAudit(store.db, { actor, action: 'key.revoke', target: values.name! });
    return { code: 0, stdout: `revoked key "${values.name}" (running servers stop accepting it within 10 seconds)\n`, stderr: '' };
  }
  const keys = await store.db.selectFrom('api_keys').select(['name', 'role', 'created_at', 'revoked_at']).orderBy('id').execute();
  await appendAudit(store.db, { actor, action: 'key.list', target: '*' });
  const lines = keys.map((k) => `${k.name}\t${k.role}\tcreated ${new Date(k.created_at).toISOString()}${k.revoked_at ? `\trevoked ${new Date(k.revoked_at).toISOString()}` : ''}\n`);
  return { code: 0, stdout: lines.join(''), stderr: '' };
}
