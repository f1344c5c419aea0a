// Shared set-up for the server tests: a fresh database per suite on either backend, keys, an app.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { type Config, loadConfig } from '../../src/config.ts';
import { createScreener } from '../../src/screening/factory.ts';
import type { Screener } from '../../src/screening/types.ts';
import { buildApp, type AppDeps } from '../../src/server/app.ts';
import { openStore, type Store } from '../../src/store/database.ts';
import { createKey } from '../../src/store/keys.ts';
import type { Role } from '../../src/store/schema.ts';

export type BackendName = 'pglite' | 'postgres';
export const BACKENDS: BackendName[] = process.env.SKIP_POSTGRES_TESTS === '1' ? ['pglite'] : ['pglite', 'postgres'];

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  store: Store;
  /** Another connection to the same database (a second server instance); postgres only. */
  databaseUrl: string | undefined;
  drop(): Promise<void>;
}

/** A fresh, migrated database: in-memory PGlite, or a new PostgreSQL database dropped afterwards. */
export async function createTestDatabase(backend: BackendName): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const store = await openStore({ dataDir: 'memory://' });
    return { store, databaseUrl: undefined, drop: () => store.close() };
  }
  const name = `screener_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const store = await openStore({ databaseUrl, dataDir: 'unused' });
  return {
    store,
    databaseUrl,
    async drop() {
      await store.close();
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT: '100000' }), ...overrides };
}

let screener: Promise<Screener> | undefined;
/** One real screener per test file (loading the catalogue once). */
export function testScreener(): Promise<Screener> {
  screener ??= createScreener({});
  return screener;
}

export async function testApp(store: Store, config: Partial<Config> = {}, deps: Omit<AppDeps, 'store'> = {}): Promise<FastifyInstance> {
  const s = await testScreener();
  // The shared screener outlives each app, so the app gets a wrapper whose close() does nothing.
  const shared: Screener = { screen: (r) => s.screen(r), thresholds: s.thresholds, versions: s.versions, close: async () => {} };
  // Load shedding off: start-up work (PGlite, the catalogue) lags the loop and would 503 the first requests.
  const app = await buildApp(testConfig(config), { screener: shared, loadShedding: false, ...deps, store });
  await app.ready();
  await app.screenerHolder.loading;
  return app;
}

export async function keyFor(store: Store, role: Role, name = `${role}-${randomBytes(3).toString('hex')}`): Promise<{ name: string; key: string; auth: { authorization: string } }> {
  const key = await createKey(store.db, name, role);
  return { name, key, auth: { authorization: `Bearer ${key}` } };
}

export const uid = (prefix = 'r') => `${prefix}-${randomBytes(5).toString('hex')}`;
