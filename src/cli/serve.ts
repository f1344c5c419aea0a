// `stalking-screener serve`: the API. Configuration from the environment (src/config.ts), printed
// with secrets masked; SIGTERM/SIGINT finish in-flight requests, then close the database.
import { pathToFileURL } from 'node:url';
import { ConfigError, describeConfig, loadConfig } from '../config.ts';
import { startAdminSocket } from '../server/admin-socket.ts';
import { buildApp } from '../server/app.ts';
import type { Store } from '../store/database.ts';
import { createKeyAudited } from '../store/keys.ts';

/** How long in-flight requests get to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'usage: stalking-screener serve\n\nEnvironment: HOST PORT DATABASE_URL DATA_DIR REVIEW_DUE_HOURS LOCK_MINUTES RETENTION_DAYS RATE_LIMIT BODY_LIMIT LOG_LEVEL SCREENER_MODE STALKING_THRESHOLD PRIORITY_THRESHOLD METRICS_AUTH SCREENING_THREAD\n',
    );
    return 0;
  }
  if (args.length) {
    process.stderr.write(`serve takes no arguments (configure it with environment variables); got: ${args.join(' ')}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    return 2;
  }
  const shown = Object.entries(describeConfig(config)).map(([k, v]) => `  ${k}=${v}`);
  process.stderr.write(`stalking-screener configuration:\n${shown.join('\n')}\n`);

  let app;
  try {
    app = await buildApp(config);
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    process.stderr.write(`could not start: ${(err as Error).message}\n`);
    await app?.close().catch(() => {});
    return 1;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = `http://${host}:${port}`;
  process.stdout.write(`listening on ${base} (docs at /docs); loading the screener, not ready yet (GET /readyz)\n`);

  let adminSocket: { close(): Promise<void> } | undefined;
  try {
    // The embedded database is this process's alone: `keys` commands reach it through the admin socket.
    if (!config.databaseUrl) adminSocket = await startAdminSocket(config.dataDir, app.store);
    const first = await firstStartAdminKey(app.store);
    if (first) {
      // Printed here once, on standard output only: the log never carries it, and no later start prints it.
      process.stdout.write(
        `\nFirst start: no API keys existed, so an admin key named "${first.name}" was created. It is shown once; store it now:\n${first.key}\n` +
          `Sign in to the console at ${base}/console with it, and create keys for colleagues there or with \`./bin/stalking-screener keys create --role reviewer --name NAME\`.\n\n`,
      );
    }
  } catch (err) {
    process.stderr.write(`could not start: ${(err as Error).message}\n`);
    await adminSocket?.close();
    await app.close().catch(() => {});
    return 1;
  }
  void app.screenerHolder.loading.then(() => {
    const holder = app.screenerHolder;
    if (holder.ready) process.stdout.write(`ready: screening with ${Object.values(holder.get().versions).join(' / ')}\n`);
    else process.stderr.write(`not ready: the screener failed to load (${holder.error?.message ?? 'unknown'}); /readyz says why\n`);
  });

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, 'shutting down');
      setTimeout(() => {
        process.stderr.write('shutdown took too long; exiting\n');
        process.exit(1);
      }, SHUTDOWN_GRACE_MS).unref();
      Promise.all([app.close(), adminSocket?.close()]).then(
        () => resolve(0),
        (err: unknown) => {
          process.stderr.write(`error during shutdown: ${(err as Error).message}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

/** On the very first start (no API key at all), one admin key, audited; undefined on every later start. */
export async function firstStartAdminKey(store: Store): Promise<{ name: string; key: string } | undefined> {
  const existing = await store.db.selectFrom('api_keys').select('id').limit(1).execute();
  if (existing.length) return undefined;
  const { name, key } = await createKeyAudited(store.db, { name: 'admin', role: 'admin' }, { actor: 'system:first-start' });
  return { name, key };
}

// Also runnable on its own: node --import tsx src/cli/serve.ts
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run(process.argv.slice(2));
}
