// `stalking-screener keys create --role ROLE --name NAME | revoke --name NAME | list`
// The key is printed once, alone on the last line of standard output; only its hash is stored.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { appendAudit } from '../store/audit.ts';
import { openConfiguredStore } from './open-store.ts';
import { createKey, KeyNameTakenError, revokeKey } from '../store/keys.ts';
import { ROLES, type Role } from '../store/schema.ts';

const USAGE = `usage:
  stalking-screener keys create --role ROLE --name NAME   (ROLE: ${ROLES.join(', ')})
  stalking-screener keys revoke --name NAME
  stalking-screener keys list
`;

export function cliActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return `cli:${user}`;
}

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  let values: { role?: string; name?: string };
  try {
    ({ values } = parseArgs({ args: rest, options: { role: { type: 'string' }, name: { type: 'string' } }, strict: true }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (action === 'create') {
    if (!values.role || !(ROLES as readonly string[]).includes(values.role)) {
      process.stderr.write(`--role must be one of: ${ROLES.join(', ')}\n${USAGE}`);
      return 2;
    }
    if (!values.name || !/^[\w.@-]{1,64}$/.test(values.name)) {
      process.stderr.write(`--name is required: 1-64 letters, digits, . _ @ -\n${USAGE}`);
      return 2;
    }
  } else if (action === 'revoke') {
    if (!values.name) {
      process.stderr.write(`--name is required\n${USAGE}`);
      return 2;
    }
  } else if (action !== 'list') {
    process.stderr.write(USAGE);
    return action === '--help' || action === '-h' ? 0 : 2;
  }

  const opened = await openConfiguredStore();
  if (!opened) return 1;
  const { store } = opened;
  try {
    if (action === 'create') {
      const role = values.role as Role;
      const name = values.name!;
      let key: string;
      try {
        key = await createKey(store.db, name, role);
      } catch (err) {
        if (err instanceof KeyNameTakenError) {
          process.stderr.write(`${err.message}\n`);
          return 1;
        }
        throw err;
      }
      await appendAudit(store.db, { actor: cliActor(), action: 'key.create', target: name, details: { role } });
      process.stdout.write(`created ${role} key "${name}"; it is shown once, store it now:\n${key}\n`);
      return 0;
    }
    if (action === 'revoke') {
      const n = await revokeKey(store.db, values.name!);
      if (!n) {
        process.stderr.write(`no active key named "${values.name}"\n`);
        return 1;
      }
      await appendAudit(store.db, { actor: cliActor(), action: 'key.revoke', target: values.name! });
      process.stdout.write(`revoked key "${values.name}" (running servers stop accepting it within 10 seconds)\n`);
      return 0;
    }
    const keys = await store.db.selectFrom('api_keys').select(['name', 'role', 'created_at', 'revoked_at']).orderBy('id').execute();
    for (const k of keys) {
      process.stdout.write(`${k.name}\t${k.role}\tcreated ${new Date(k.created_at).toISOString()}${k.revoked_at ? `\trevoked ${new Date(k.revoked_at).toISOString()}` : ''}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
