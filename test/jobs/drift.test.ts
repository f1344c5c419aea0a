// Drift monitoring: per-day, per-version aggregates from stored screenings; the latest day compared
// with the days before; alerts beyond DRIFT_ALERT_RATIO; the same figures on /metrics and from the CLI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compareDays, driftByDay, driftReport, type DriftDay } from '../../src/jobs/drift.ts';
import { openStore } from '../../src/store/database.ts';
import type { Database } from '../../src/store/schema.ts';
import { createTestDatabase, keyFor, testApp, type TestDatabase } from '../server/helpers.ts';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const V1 = { rules: 'r1', model: 'none', scorer: 's1' };
const V2 = { rules: 'r2', model: 'none', scorer: 's1' };
const NOW = new Date();
const dayAgo = (d: number, hour = 10) => new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate() - d, hour));
const iso = (d: Date) => d.toISOString().slice(0, 10);

let seq = 0;
/** n ingest screenings on a day: `flagged` of them MISSED_STALKING with indicator A1, the rest none. */
async function screenings(db: Kysely<Database>, at: Date, versions: Record<string, string>, n: number, flagged: number, score = 0.2) {
  const rows = Array.from({ length: n }, (_, i) => {
    const id = `d-${seq++}`;
    const flags = i < flagged ? ['MISSED_STALKING'] : [];
    const indicators = i < flagged ? [{ code: 'A1', context: { negated: false } }, { code: 'A1' }] : [{ code: 'C1', context: { negated: true } }];
    return { id, flags, indicators, score: i < flagged ? 0.8 : score };
  });
  await db.insertInto('records').values(rows.map((r) => ({ id: r.id, current_version: 1, victim_ref: null, suspect_ref: null, updated_at: at }))).execute();
  await db.insertInto('record_versions').values(rows.map((r) => ({ record_id: r.id, version: 1, content_hash: r.id, payload: JSON.stringify({ id: r.id, text: 't' }) }))).execute();
  await db
    .insertInto('screenings')
    .values(
      rows.map((r) => ({
        record_id: r.id,
        version: 1,
        trigger: 'ingest' as const,
        result: JSON.stringify({ indicators: r.indicators }),
        flags: JSON.stringify(r.flags),
        stalking_score: r.score,
        s4a_score: r.score / 2,
        risk_level: 'standard',
        occasions_min: 0,
        has_behaviour: false,
        linked_record_ids: '[]',
        versions: JSON.stringify(versions),
        screened_at: at as never,
      })),
    )
    .execute();
}

describe('drift', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase('pglite');
    const db = tdb.store.db;
    // Five steady days on V1: 10% flagged. Today V1 is steady and V2 flags 30%.
    for (let d = 5; d >= 1; d--) await screenings(db, dayAgo(d), V1, 100, 10);
    await screenings(db, dayAgo(0, 0), V1, 100, 11);
    await screenings(db, dayAgo(0, 0), V2, 100, 30);
    // Outside the window, and re-screens: not counted.
    await screenings(db, dayAgo(40), V1, 100, 90);
    await db.updateTable('screenings').set({ trigger: 'rescreen' }).where('record_id', 'in', ['d-0', 'd-1']).execute();
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('aggregates flag rates, score quantiles and indicator rates per UTC day and version', async () => {
    const rows = await driftByDay(tdb.store.db, 7, NOW);
    expect(rows.map((r) => [r.day, r.version, r.n])).toEqual([
      [iso(dayAgo(5)), 'r1|none|s1', 98],
      [iso(dayAgo(4)), 'r1|none|s1', 100],
      [iso(dayAgo(3)), 'r1|none|s1', 100],
      [iso(dayAgo(2)), 'r1|none|s1', 100],
      [iso(dayAgo(1)), 'r1|none|s1', 100],
      [iso(dayAgo(0)), 'r1|none|s1', 100],
      [iso(dayAgo(0)), 'r2|none|s1', 100],
    ]);
    const v2 = rows.at(-1)!;
    expect(v2.flag_rates).toEqual({ ANY: 0.3, MISSED_STALKING: 0.3 });
    // A1 counted once per screening; the negated C1 not at all.
    expect(v2.indicator_rates).toEqual({ A1: 0.3 });
    expect(v2.stalking).toEqual({ mean: 0.38, p10: 0.2, p50: 0.2, p90: 0.8 });
    expect(v2.s4a.mean).toBeCloseTo(0.19, 4);
  });

  it('alerts on the version whose flag rate moved beyond the ratio, not on the steady one', async () => {
    const report = await driftReport(tdb.store.db, 7, 1.5, NOW);
    expect(report.current_day).toBe(iso(NOW));
    expect(report.baseline_n).toBe(498);
    const alerted = report.alerts.map((a) => `${a.version} ${a.metric}`).sort();
    expect(alerted).toEqual(['r2|none|s1 flag_rate:ANY', 'r2|none|s1 flag_rate:MISSED_STALKING', 'r2|none|s1 indicator_rate:A1']);
    const any = report.comparisons.find((c) => c.version === 'r2|none|s1' && c.metric === 'flag_rate:ANY')!;
    expect(any.ratio).toBeCloseTo(0.3 / (48 / 498), 3);
    expect(report.comparisons.filter((c) => c.version === 'r1|none|s1').every((c) => !c.alert)).toBe(true);
    // A looser threshold silences it.
    expect((await driftReport(tdb.store.db, 7, 4, NOW)).alerts).toEqual([]);
  });

  it('does not compare on too few screenings, and treats a rate appearing from zero as drift', () => {
    const day = (d: string, n: number, rate: number): DriftDay => ({
      day: d,
      version: 'v',
      n,
      flag_rates: { ANY: rate, ...(rate ? { HIGH_RISK: rate } : {}) },
      stalking: { mean: 0.1, p10: 0, p50: 0.1, p90: 0.2 },
      s4a: { mean: 0.05, p10: 0, p50: 0.05, p90: 0.1 },
      indicator_rates: {},
    });
    expect(compareDays([day('2026-01-01', 100, 0.1), day('2026-01-02', 10, 0.9)], 1.5, 7).comparisons).toEqual([]);
    const fromZero = compareDays([day('2026-01-01', 100, 0), day('2026-01-02', 100, 0.2)], 1.5, 7);
    expect(fromZero.alerts.find((a) => a.metric === 'flag_rate:HIGH_RISK')).toMatchObject({ baseline: 0, ratio: Number.POSITIVE_INFINITY });
  });

  it('exposes the figures as Prometheus gauges', async () => {
    const app = await testApp(tdb.store, { driftAlertRatio: 1.5 });
    try {
      const body = (await app.inject({ url: '/metrics', headers: (await keyFor(tdb.store, 'admin')).auth })).body;
      expect(body).toContain(`screener_drift_screenings{day="${iso(NOW)}",version="r2|none|s1"} 100`);
      expect(body).toContain(`screener_drift_flag_rate{day="${iso(NOW)}",version="r2|none|s1",flag="MISSED_STALKING"} 0.3`);
      expect(body).toContain(`screener_drift_score{day="${iso(NOW)}",version="r2|none|s1",score="stalking",stat="p90"} 0.8`);
      expect(body).toContain(`screener_drift_indicator_rate{day="${iso(NOW)}",version="r2|none|s1",code="A1"} 0.3`);
      expect(body).toMatch(/screener_drift_ratio\{version="r2\|none\|s1",metric="flag_rate:ANY"\} 3\.11/);
      expect(body).toContain('screener_drift_alerts 3');
      expect(body).toContain('screener_drift_alert_ratio 1.5');
    } finally {
      await app.close();
    }
  });

  it('the drift command prints the table and exits 1 on an alert (DRIFT_ALERT_RATIO configurable)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'drift-cli-'));
    try {
      const store = await openStore({ dataDir });
      for (let d = 3; d >= 1; d--) await screenings(store.db, dayAgo(d), V1, 40, 4);
      await screenings(store.db, dayAgo(0, 0), V1, 40, 16);
      await store.close();
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
      delete env.DATABASE_URL;
      const cli = (extra: Record<string, string>, args: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts'), 'drift', ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 60_000 });
      const alerting = cli({}, ['--days', '7']);
      expect(alerting.status).toBe(1);
      expect(alerting.stdout).toContain(`${iso(NOW)}\tr1|none|s1\t40\t40.0%`);
      expect(alerting.stdout).toMatch(/ALERT\tr1\|none\|s1\tflag_rate:MISSED_STALKING\t0\.4 vs 0\.1\tratio 4/);
      const quiet = cli({ DRIFT_ALERT_RATIO: '5' }, ['--days', '7', '--json']);
      expect(quiet.status).toBe(0);
      expect(JSON.parse(quiet.stdout)).toMatchObject({ ratio_threshold: 5, alerts: [] });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
