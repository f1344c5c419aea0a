// Runs once before the suites. On a plain machine without PostgreSQL, `npm test` runs everything
// else and skips the PostgreSQL suites with one line saying so; in CI (CI=true) a missing
// PostgreSQL fails the run instead, so CI never passes with those suites silently skipped.
import { connect } from 'node:net';

const ADMIN_URL = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export default async function setup(): Promise<void> {
  const ci = process.env.CI === 'true';
  if (ci && process.env.SKIP_POSTGRES_TESTS === '1') throw new Error('CI must run the PostgreSQL suites: unset SKIP_POSTGRES_TESTS');
  if (process.env.SKIP_POSTGRES_TESTS === '1') return;
  const where = `${ADMIN_URL.hostname}:${ADMIN_URL.port || 5432}`;
  if (await reachable(ADMIN_URL.hostname, Number(ADMIN_URL.port || 5432))) return;
  if (ci) throw new Error(`CI must run the PostgreSQL suites, but PostgreSQL is not reachable at ${where}`);
  process.env.SKIP_POSTGRES_TESTS = '1'; // inherited by the test workers, started after this
  console.log(`PostgreSQL is not reachable at ${where}: skipping the PostgreSQL suites (start it, or set TEST_DATABASE_ADMIN_URL, to run them; CI always does)`);
}
