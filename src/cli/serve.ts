// `stalking-screener serve`: the API. Configuration from the environment (src/config.ts), printed
// with secrets masked; SIGTERM/SIGINT finish in-flight requests, then close the database.
import { pathToFileURL } from 'node:url';
import { ConfigError, describeConfig, loadConfig } from '../config.ts';
import { buildApp } from '../server/app.ts';

/** How long in-flight requests get to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'usage: stalking-screener serve\n\nEnvironment: HOST PORT DATABASE_URL DATA_DIR REVIEW_DUE_HOURS LOCK_MINUTES RETENTION_DAYS RATE_LIMIT BODY_LIMIT LOG_LEVEL SCREENER_MODE\n',
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
  process.stdout.write(`listening on http://${host}:${port} (docs at /docs)\n`);

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
      app.close().then(
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

// Also runnable on its own: node --import tsx src/cli/serve.ts
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await run(process.argv.slice(2));
}
