// The local admin socket: DATA_DIR/admin.sock, a Unix socket only the user who runs the server can
// open (mode 0600). While the server holds its embedded database, `stalking-screener keys ...` sends
// its command here and the server runs it on its own database (keys.ts keyCommand, audited as the
// CLI's user), so nobody has to stop the service to let a colleague in. PostgreSQL deployments do
// not need it: the CLI writes to the shared database directly.
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { z } from 'zod';
import { keyCommand, type KeyReply } from '../cli/key-command.ts';
import type { Store } from '../store/database.ts';
import { forgetCachedKeys } from './plugins/auth.ts';

export const adminSocketPath = (dataDir: string) => join(dataDir, 'admin.sock');

const requestSchema = z.object({ args: z.array(z.string()).min(1).max(8), actor: z.string().regex(/^cli:[\w.@-]{1,64}$/) });

export async function startAdminSocket(dataDir: string, store: Store): Promise<{ close(): Promise<void> }> {
  const path = adminSocketPath(dataDir);
  rmSync(path, { force: true }); // left by a server that died; the data folder's lock says we own it now
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, reply: KeyReply) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      let parsed;
      try {
        parsed = requestSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        parsed = undefined;
      }
      if (req.method !== 'POST' || req.url !== '/keys' || !parsed?.success) return send(400, { code: 2, stdout: '', stderr: 'bad admin request\n' });
      keyCommand(store, parsed.data.args, parsed.data.actor).then(
        (reply) => {
          // This server refuses a key it has just revoked at once, not when its cached lookup expires.
          if (parsed.data.args[0] === 'revoke' && reply.code === 0) forgetCachedKeys(store);
          send(200, reply);
        },
        (err: unknown) => send(500, { code: 1, stdout: '', stderr: `the server could not run the command: ${(err as Error).message}\n` }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(path, { force: true });
      }),
  };
}

/** Sends a keys command to the running server; null (with a message) when there is none to ask. */
export async function viaAdminSocket(dataDir: string, body: { args: string[]; actor: string }): Promise<KeyReply | null> {
  const path = adminSocketPath(dataDir);
  if (!existsSync(path)) {
    process.stderr.write(`the embedded database in ${dataDir} is held by another process that has no admin socket; stop it, or set DATABASE_URL\n`);
    return null;
  }
  return new Promise((resolve) => {
    const req = request({ socketPath: path, method: 'POST', path: '/keys', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as KeyReply);
        } catch {
          process.stderr.write('the running server gave an unreadable reply\n');
          resolve(null);
        }
      });
    });
    req.on('error', (err) => {
      process.stderr.write(`could not reach the running server's admin socket ${path}: ${err.message}\n`);
      resolve(null);
    });
    req.end(JSON.stringify(body));
  });
}
