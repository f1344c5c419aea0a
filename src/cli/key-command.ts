// The keys commands' work on a store, shared by the CLI (on a database it opened) and a running
// server (asked through its admin socket, src/server/admin-socket.ts). The operations themselves,
// their rules and their audit entries are the store's (store/keys.ts), as the console's are.
import { parseArgs } from 'node:util';
import type { Store } from '../store/database.ts';
import { createKeyAudited, InvalidKeyError, KeyNameTakenError, listKeysAudited, revokeKeyAudited } from '../store/keys.ts';

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
    try {
      const created = await createKeyAudited(store.db, { name: values.name ?? '', role: values.role ?? '' }, { actor });
      return { code: 0, stdout: `created ${created.role} key "${created.name}"; it is shown once, store it now:\n${created.key}\n`, stderr: '' };
    } catch (err) {
      if (err instanceof KeyNameTakenError) return { code: 1, stdout: '', stderr: `${err.message}\n` };
      if (err instanceof InvalidKeyError) return { code: 2, stdout: '', stderr: `${err.message}\n` };
      throw err;
    }
  }
  if (action === 'revoke') {
    const revoked = await revokeKeyAudited(store.db, { name: values.name ?? '' }, { actor });
    if (!revoked) return { code: 1, stdout: '', stderr: `no active key named "${values.name}"\n` };
    return { code: 0, stdout: `revoked key "${revoked.name}" (running servers stop accepting it within 10 seconds)\n`, stderr: '' };
  }
  const keys = await listKeysAudited(store.db, { actor });
  const lines = keys.map((k) => `${k.name}\t${k.role}\tcreated ${k.created_at}${k.revoked_at ? `\trevoked ${k.revoked_at}` : ''}\n`);
  return { code: 0, stdout: lines.join(''), stderr: '' };
}
