// Re-screening as a library: selection filters, idempotency per record version and screener
// versions, concurrent processing of one batch, the summary and the comparison. The worker
// processes and a killed worker are in test/faults/worker-killed.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createOrResumeRun,
  finishIfDone,
  processBatch,
  runChanges,
  runSummary,
  selectRecordIds,
  type WorkerContext,
} from '../../src/jobs/rescreen.ts';
import { duplicateRescreens, seedBackCatalogue } from '../../src/jobs/seed.ts';
import { loadCatalogue } from '../../src/rules/compile.ts';
import { classify } from '../../src/screening/explain.ts';
import { normaliserFor } from '../../src/screening/normalise.ts';
import { createLogger } from '../../src/server/logger.ts';
import { BACKENDS, createTestDatabase, testScreener, type TestDatabase } from '../server/helpers.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const ROOT = join(import.meta.dirname, '..', '..');

describe('rescreen without PostgreSQL', () => {
  it('says it needs PostgreSQL and exits 2 on the embedded database', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rescreen-pglite-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
      delete env.DATABASE_URL;
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'rescreen'], { env, encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/needs PostgreSQL: set DATABASE_URL/);
      expect(r.stderr).toMatch(/PGlite/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects bad options with exit 2 before touching a database', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'rescreen', '--from', 'yesterday'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--from must be a date/);
  });
});

describe.skipIf(!BACKENDS.includes('postgres'))('rescreen runs (PostgreSQL)', () => {
  let tdb: TestDatabase;
  let ctx: WorkerContext;
  const actor = 'test';

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    const screener = await testScreener();
    ctx = { store: tdb.store, screener, reviewDueHours: 24, log: createLogger('silent') };
    await seedBackCatalogue(tdb.store.db, { n: 300, seed: 11, idPrefix: 'lib', days: 10, until: new Date('2026-03-10T12:00:00Z') });
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('selects by received date (whole UTC days) and by the classification of recorded_as', async () => {
    const versions = ctx.screener.versions;
    const all = await selectRecordIds(tdb.store.db, {}, versions);
    expect(all).toHaveLength(300);
    const rows = await tdb.store.db.selectFrom('records').select(['id', 'created_at']).execute();
    const inRange = rows.filter((r) => +r.created_at >= Date.parse('2026-03-05T00:00:00Z') && +r.created_at < Date.parse('2026-03-08T00:00:00Z')).map((r) => r.id).sort();
    expect(inRange.length).toBeGreaterThan(0);
    expect(await selectRecordIds(tdb.store.db, { from: '2026-03-05', to: '2026-03-07' }, versions)).toEqual(inRange);

    const catalogue = loadCatalogue();
    const normalise = normaliserFor(catalogue);
    const payloads = await tdb.store.db.selectFrom('record_versions').select(['record_id', sql<string | null>`payload->>'recorded_as'`.as('ra')]).execute();
    const classOf = (ra: string | null) => classify(catalogue.classifications, ra ? normalise(ra).text : undefined).id ?? 'none';
    const counts = new Map<string, number>();
    for (const p of payloads) counts.set(classOf(p.ra), (counts.get(classOf(p.ra)) ?? 0) + 1);
    const [commonest] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const expected = payloads.filter((p) => classOf(p.ra) === commonest).map((p) => p.record_id).sort();
    expect(await selectRecordIds(tdb.store.db, { recordedAs: commonest }, versions, catalogue)).toEqual(expected);
    expect(expected.length).toBeLessThan(300);
  });

  it('re-screens every record once, queues the flagged, and a second run of the same selection stores nothing', async () => {
    const run = await createOrResumeRun(tdb.store, { filters: {}, versions: ctx.screener.versions, batchSize: 40, jobTimeoutSeconds: 60, actor });
    expect(run).toMatchObject({ records: 300, batches: 8, resumed: false });
    // The same command before the run is finished finds it again (resume), rather than starting another.
    expect((await createOrResumeRun(tdb.store, { filters: {}, versions: ctx.screener.versions, batchSize: 40, jobTimeoutSeconds: 60, actor })).id).toBe(run.id);

    for (let b = 0; b < run.batches; b++) expect((await processBatch(ctx, { run: run.id, batch: b }, 'w1')).status).toBe('done');
    // A job delivered twice (a retry after its worker died post-commit) is a no-op.
    expect(await processBatch(ctx, { run: run.id, batch: 0 }, 'w2')).toMatchObject({ status: 'already_done', screened: 0 });
    expect(await finishIfDone(tdb.store.db, run.id)).toBe(true);

    const summary = await runSummary(tdb.store.db, run.id);
    expect(summary).toMatchObject({ records: 300, batches_done: 8, screened: 300, skipped: 0 });
    const db = tdb.store.db;
    const stored = await db.selectFrom('screenings').select(['record_id', 'flags', 'versions']).where('trigger', '=', 'rescreen').execute();
    expect(stored).toHaveLength(300);
    expect(new Set(stored.map((s) => s.record_id)).size).toBe(300);
    for (const s of stored) expect(s.versions).toEqual({ ...ctx.screener.versions });
    // Flags by type in the summary are the flags stored.
    const byFlag: Record<string, number> = {};
    for (const s of stored) for (const f of s.flags) byFlag[f] = (byFlag[f] ?? 0) + 1;
    expect(summary.flags).toEqual(byFlag);
    const flagged = stored.filter((s) => s.flags.length).length;
    expect(flagged).toBeGreaterThan(0);
    const items = await db.selectFrom('queue_items').select(['record_id', 'screening_id']).execute();
    expect(items).toHaveLength(flagged);
    expect(summary.queue_items_created).toBe(flagged);
    // Never screened before, so every flagged record is a change from "not screened".
    const changes = await runChanges(db, run.id);
    expect(changes).toHaveLength(flagged);
    expect(changes.every((c) => c.before === null && c.after.length > 0)).toBe(true);

    // Same selection again: a new run (the first is finished) that screens nothing.
    const again = await createOrResumeRun(tdb.store, { filters: {}, versions: ctx.screener.versions, batchSize: 40, jobTimeoutSeconds: 60, actor });
    expect(again.id).not.toBe(run.id);
    for (let b = 0; b < again.batches; b++) await processBatch(ctx, { run: again.id, batch: b }, 'w1');
    expect(await runSummary(db, again.id)).toMatchObject({ screened: 0, skipped: 300, queue_items_created: 0 });
    expect(await duplicateRescreens(db)).toBe(0);
    // And --outdated now selects nothing: every record's latest screening is by these versions.
    expect(await selectRecordIds(db, { outdated: true }, ctx.screener.versions)).toEqual([]);
    const audit = await db.selectFrom('audit_log').select(['action', 'target']).where('action', '=', 'rescreen.run').execute();
    expect(audit.map((a) => a.target)).toEqual([`run:${run.id}`, `run:${again.id}`]);
  });

  it('two workers racing on one batch store each record once', async () => {
    const more = await seedBackCatalogue(tdb.store.db, { n: 60, seed: 12, idPrefix: 'race' });
    const run = await createOrResumeRun(tdb.store, { filters: { outdated: true }, versions: ctx.screener.versions, batchSize: 60, jobTimeoutSeconds: 60, actor });
    expect(run.records).toBe(60);
    const outcomes = await Promise.all([processBatch(ctx, { run: run.id, batch: 0 }, 'a'), processBatch(ctx, { run: run.id, batch: 0 }, 'b')]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['already_done', 'done']);
    expect(await finishIfDone(tdb.store.db, run.id)).toBe(true);
    const n = await tdb.store.db.selectFrom('screenings').select(sql<number>`count(*)::int`.as('n')).where('record_id', 'in', more).executeTakeFirstOrThrow();
    expect(n.n).toBe(60);
    expect(await duplicateRescreens(tdb.store.db)).toBe(0);
  });

  it('the database refuses a second re-screen of one record version by the same screener versions', async () => {
    const row = await tdb.store.db.selectFrom('screenings').selectAll().where('trigger', '=', 'rescreen').limit(1).executeTakeFirstOrThrow();
    const { id: _id, screened_at: _at, ...copy } = row;
    const insert = tdb.store.db
      .insertInto('screenings')
      .values({ ...copy, result: JSON.stringify(copy.result), flags: JSON.stringify(copy.flags), linked_record_ids: JSON.stringify(copy.linked_record_ids), versions: JSON.stringify(copy.versions) })
      .execute();
    await expect(insert).rejects.toMatchObject({ code: '23505' });
  });

  it('a changed screener shows as flag changes against the previous screening', async () => {
    const db = tdb.store.db;
    const flagged = await db.selectFrom('screenings').select(['id', 'record_id', 'flags']).where('trigger', '=', 'rescreen').where(sql<boolean>`jsonb_array_length(flags) > 0`).orderBy('id').limit(1).executeTakeFirstOrThrow();
    // Pretend that record's screening came from an older screener that flagged nothing.
    const old = { rules: 'old', model: 'none', scorer: 'old' };
    await db.updateTable('screenings').set({ flags: '[]', versions: JSON.stringify(old) }).where('id', '=', flagged.id).execute();
    const run = await createOrResumeRun(tdb.store, { filters: { outdated: true }, versions: ctx.screener.versions, batchSize: 10, jobTimeoutSeconds: 60, actor });
    expect(run.records).toBe(1);
    await processBatch(ctx, { run: run.id, batch: 0 }, 'w');
    expect(await runChanges(db, run.id)).toEqual([
      expect.objectContaining({ id: flagged.record_id, before: [], after: flagged.flags, before_versions: old }),
    ]);
    // Old and new results side by side.
    const versions = await db.selectFrom('screenings').select('versions').where('record_id', '=', flagged.record_id).orderBy('id').execute();
    expect(versions.map((v) => v.versions)).toEqual([old, { ...ctx.screener.versions }]);
    // Its queue item already existed (from the first run): not counted as created.
    expect(await runSummary(db, run.id)).toMatchObject({ screened: 1, queue_items_created: 0, records_flagged_changed: 1 });
  });
});
