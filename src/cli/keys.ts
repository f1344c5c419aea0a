// `stalking-screener keys create --role ROLE --name NAME | revoke --name NAME | list`
// The key is printed once, alone on the last line of standard output; only its hash is stored.
// With the embedded database held by a running server, the server does the operation for the CLI
// through its admin socket (DATA_DIR/admin.sock, open to the owning user only): no need to stop it.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { viaAdminSocket } from '../server/admin-socket.ts';
import { openConfiguredStore } from './open-store.ts';
import { isKeyName, isRole, KEY_NAME_RULE } from '../store/keys.ts';
import { ROLES } from '../store/schema.ts';
import { keyCommand } from './key-command.ts';

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
    if (!isRole(values.role)) {
      process.stderr.write(`--role must be one of: ${ROLES.join(', ')}\n${USAGE}`);
      return 2;
    }
    if (!isKeyName(values.name)) {
      process.stderr.write(`--name is required: ${KEY_NAME_RULE}\n${USAGE}`);
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

  const opened = await openConfiguredStore({ quietWhenInUse: true });
  if (opened === 'in-use') {
    // The embedded database belongs to a running server: it does the write, over its admin socket.
    const config = loadConfig();
    const reply = await viaAdminSocket(config.dataDir, { args, actor: cliActor() });
    if (!reply) return 1;
    process.stdout.write(reply.stdout);
    process.stderr.write(reply.stderr);
    return reply.code;
  }
  if (!opened) return 1;
  try {
    const reply = await keyCommand(opened.store, args, cliActor());
    process.stdout.write(reply.stdout);
    process.stderr.write(reply.stderr);
    return reply.code;
  } finally {
    await opened.store.close();
  }
}

