// Operations: configuration from the environment, and load shedding under event-loop lag.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/config.ts';
import { createTestDatabase, testApp, type TestDatabase } from './helpers.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

describe('configuration', () => {
  it('has the documented defaults, and an empty variable means the default', () => {
    const c = loadConfig({ PORT: '', REVIEW_DUE_HOURS: ' ' });
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, databaseUrl: undefined, dataDir: './data', reviewDueHours: 24, logLevel: 'info' });
  });

  it('names every bad variable without echoing its value', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', REVIEW_DUE_HOURS: '-1', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://u:sekrit@h/db', RATE_LIMIT: '0' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'REVIEW_DUE_HOURS', 'LOG_LEVEL', 'DATABASE_URL', 'RATE_LIMIT']) expect(problems).toContain(name);
    expect(problems).not.toContain('sekrit');
  });

  it('prints the database URL with its password masked', () => {
    const shown = describeConfig(loadConfig({ DATABASE_URL: 'postgres://screener:hunter2@db.internal:5432/screener' }));
    expect(shown.DATABASE_URL).toBe('postgres://screener:****@db.internal:5432/screener');
    expect(JSON.stringify(shown)).not.toContain('hunter2');
  });
});

describe('load shedding', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('answers 503 with a JSON error and retry-after while the event loop lags, then recovers', async () => {
    const app = await testApp(tdb.store, {}, { loadShedding: { maxEventLoopDelayMs: 20, sampleIntervalMs: 100 } });
    try {
      // Past the start-up grace, which ends a few samples after the screener has loaded.
      for (let i = 0; i < 300 && (await app.inject('/readyz')).statusCode !== 200; i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 500));
      expect((await app.inject('/healthz')).statusCode).toBe(200);
      // Block the event loop in bursts, as CPU-bound work would, until the sampler reports the lag.
      // Bursts rather than one block: the sampler may run before the delay histogram records a single
      // long block, and a loaded CI machine runs timers late, so keep the loop lagging across samples.
      let shed = await app.inject('/healthz');
      for (let i = 0; i < 40 && shed.statusCode !== 503; i++) {
        const until = Date.now() + 250;
        while (Date.now() < until) {
          // busy
        }
        await new Promise((r) => setTimeout(r, 1)); // let timers (the sampler, the delay histogram) run
        shed = await app.inject('/healthz');
      }
      expect(shed.statusCode).toBe(503);
      expect(shed.json().error.code).toBe('OVERLOADED');
      expect(shed.headers['retry-after']).toBeDefined();
      // Recovers once a sample without the lag comes in (polled: other test files share the CPU).
      let status = 503;
      for (let i = 0; i < 50 && status === 503; i++) {
        await new Promise((r) => setTimeout(r, 200));
        status = (await app.inject('/healthz')).statusCode;
      }
      expect(status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
