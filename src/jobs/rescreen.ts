// Back-catalogue re-screening (DOMAIN §6: re-screen stored records when the rules or model change).
//
// A run selects record ids, splits them into batches (rescreen_batches) and puts one pg-boss job per
// batch on the queue. A worker screens a batch, then in one transaction stores a 'rescreen' screening
// for every record not yet re-screened by these screener versions, queues flagged records and marks
// the batch done. The unique index screenings_rescreen_once_idx (record, version, screener versions)
// makes the work idempotent: a job retried after its worker died, or run twice, stores nothing twice.
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { type Kysely, sql } from 'kysely';
import type PgBoss from 'pg-boss';
import type { Catalogue } from '../rules/compile.ts';
import { classify } from '../screening/explain.ts';
import { normaliserFor } from '../screening/normalise.ts';
import type { Screener } from '../screening/types.ts';
import type { RecordInput } from '../screening/record.ts';
import type { ScreeningResult } from '../screening/types.ts';
import { screenSafely } from '../server/ingest.ts';
import { appendAudit } from '../store/audit.ts';
import type { Store } from '../store/database.ts';
import { assessLinkedPattern, caseKey, caseMembers, hasBehaviourIndicator } from '../store/links.ts';
import { basePriority, upsertItem } from '../store/queue.ts';
import { canonicalJson, insertScreening, lockNames } from '../store/records.ts';
import type { Database } from '../store/schema.ts';
import { ensureQueue, rescreenQueue, type RescreenJob } from './boss.ts';

type Db = Kysely<Database>;
export type Versions = Screener['versions'];

export interface RescreenFilters {
  /** Records first received on or after this date (YYYY-MM-DD, UTC) or instant (ISO 8601). */
  from?: string | undefined;
  /** Records first received on or before this date (the whole day) or before this instant. */
  to?: string | undefined;
  /** Only records whose recorded_as falls in this classification (an id from classifications.yaml, or "none"). */
  recordedAs?: string | undefined;
  /** Only records whose latest screening was made by other screener versions (or that were never screened). */
  outdated?: boolean | undefined;
}

export const DEFAULT_BATCH_SIZE = 250;
export const DEFAULT_JOB_TIMEOUT_SECONDS = 300;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The bounds as instants: a date-only --to includes the whole of that day (UTC). */
export function dateBounds(filters: RescreenFilters): { from?: Date; toExclusive?: Date } {
  const parse = (value: string, name: string) => {
    const d = new Date(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(+d)) throw new RangeError(`--${name} must be a date (YYYY-MM-DD) or an ISO 8601 date-time`);
    return d;
  };
  const out: { from?: Date; toExclusive?: Date } = {};
  if (filters.from) out.from = parse(filters.from, 'from');
  if (filters.to) {
    const to = parse(filters.to, 'to');
    out.toExclusive = DATE_ONLY.test(filters.to) ? new Date(+to + 86_400_000) : to;
  }
  if (out.from && out.toExclusive && out.from >= out.toExclusive) throw new RangeError('--from must be before --to');
  return out;
}

export const sameVersions = (a: Record<string, string>, b: Record<string, string>) => a.rules === b.rules && a.model === b.model && a.scorer === b.scorer;

/** The classification ids --recorded-as accepts. */
export function classificationIds(catalogue: Catalogue): string[] {
  return [...catalogue.classifications.map((c) => c.id), 'other', 'none'];
}

/** The ids of the records a run covers, in id order. */
export async function selectRecordIds(db: Db, filters: RescreenFilters, versions: Versions, catalogue?: Catalogue): Promise<string[]> {
  const { from, toExclusive } = dateBounds(filters);
  let q = db
    .selectFrom('records as r')
    .innerJoin('record_versions as v', (j) => j.onRef('v.record_id', '=', 'r.id').onRef('v.version', '=', 'r.current_version'))
    .select(['r.id', sql<string | null>`v.payload->>'recorded_as'`.as('recorded_as')])
    .orderBy('r.id');
  if (from) q = q.where('r.created_at', '>=', from);
  if (toExclusive) q = q.where('r.created_at', '<', toExclusive);
  if (filters.outdated) {
    // The latest screening of the current version; 'link' screenings carry their source's versions.
    q = q.where(
      sql<boolean>`not exists (
        select 1 from (
          select s.versions from screenings s
          where s.record_id = r.id and s.version = r.current_version
          order by s.id desc limit 1
        ) latest
        where latest.versions->>'rules' = ${versions.rules}
          and latest.versions->>'model' = ${versions.model}
          and latest.versions->>'scorer' = ${versions.scorer}
      )`,
    );
  }
  const rows = await q.execute();
  if (!filters.recordedAs) return rows.map((r) => r.id);
  if (!catalogue) throw new Error('--recorded-as needs the rule catalogue');
  // Classified the way the screener classifies it (MISSED_STALKING depends on it), not by exact text.
  const normalise = normaliserFor(catalogue);
  const wanted = filters.recordedAs;
  return rows
    .filter((r) => {
      const id = classify(catalogue.classifications, r.recorded_as ? normalise(r.recorded_as).text : undefined).id;
      return (id ?? 'none') === wanted;
    })
    .map((r) => r.id);
}

export function filterKey(filters: RescreenFilters, versions: Versions): string {
  const f = { from: filters.from ?? null, to: filters.to ?? null, recorded_as: filters.recordedAs ?? null, outdated: !!filters.outdated };
  return createHash('sha256').update(canonicalJson({ f, v: versions })).digest('hex').slice(0, 32);
}

export interface RunInfo {
  id: number;
  records: number;
  batches: number;
  resumed: boolean;
  versions: Versions;
  jobTimeoutSeconds: number;
}

/**
 * Starts a run, or finds the unfinished run of the same filters and screener versions (re-running
 * the same command after a crash resumes it). Batches are written in one transaction with the run.
 */
export async function createOrResumeRun(
  store: Store,
  opts: { filters: RescreenFilters; versions: Versions; batchSize: number; jobTimeoutSeconds: number; actor: string; catalogue?: Catalogue },
): Promise<RunInfo> {
  const key = filterKey(opts.filters, opts.versions);
  const existing = await store.db
    .selectFrom('rescreen_runs')
    .selectAll()
    .where('filter_key', '=', key)
    .where('finished_at', 'is', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (existing) {
    return { id: existing.id, records: existing.records, batches: existing.batches, resumed: true, versions: existing.versions as Versions, jobTimeoutSeconds: existing.job_timeout_seconds };
  }
  const ids = await selectRecordIds(store.db, opts.filters, opts.versions, opts.catalogue);
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += opts.batchSize) batches.push(ids.slice(i, i + opts.batchSize));
  const filters = { from: opts.filters.from ?? null, to: opts.filters.to ?? null, recorded_as: opts.filters.recordedAs ?? null, outdated: !!opts.filters.outdated };
  const id = await store.transaction(async (trx) => {
    const run = await trx
      .insertInto('rescreen_runs')
      .values({
        created_by: opts.actor,
        filters: JSON.stringify(filters),
        filter_key: key,
        versions: JSON.stringify(opts.versions),
        batch_size: opts.batchSize,
        job_timeout_seconds: opts.jobTimeoutSeconds,
        records: ids.length,
        batches: batches.length,
        // An empty selection is finished as soon as it is made.
        finished_at: batches.length ? null : (sql<Date>`now()` as never),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let i = 0; i < batches.length; i += 500) {
      await trx
        .insertInto('rescreen_batches')
        .values(batches.slice(i, i + 500).map((record_ids, k) => ({ run_id: run.id, batch_no: i + k, record_ids })))
        .execute();
    }
    await appendAudit(trx, { actor: opts.actor, action: 'rescreen.run', target: `run:${run.id}`, details: { filters, versions: opts.versions, records: ids.length, batches: batches.length } });
    return run.id;
  });
  return { id, records: ids.length, batches: batches.length, resumed: false, versions: opts.versions, jobTimeoutSeconds: opts.jobTimeoutSeconds };
}

/**
 * Puts a job on the queue for every unfinished batch of the run that has no live job (new, or its
 * job failed or vanished). Live jobs are left alone: an active one whose worker died expires and is
 * retried by pg-boss. Returns how many jobs were queued.
 */
export async function queueJobs(store: Store, boss: PgBoss, run: number): Promise<number> {
  const info = await store.db.selectFrom('rescreen_runs').select(['job_timeout_seconds', 'versions']).where('id', '=', run).executeTakeFirstOrThrow();
  const queue = rescreenQueue(info.versions as Versions);
  await ensureQueue(boss, queue);
  const pending = await store.db.selectFrom('rescreen_batches').select(['batch_no', 'job_id']).where('run_id', '=', run).where('done_at', 'is', null).orderBy('batch_no').execute();
  const withJob = pending.filter((b) => b.job_id).map((b) => b.job_id!);
  const live = new Set<string>();
  for (let i = 0; i < withJob.length; i += 1000) {
    const { rows } = await boss
      .getDb()
      .executeSql(`select id::text as id from pgboss.job where name = $1 and id = any($2::uuid[]) and state in ('created', 'retry', 'active')`, [queue, withJob.slice(i, i + 1000)]);
    for (const r of rows as { id: string }[]) live.add(r.id);
  }
  const needed = pending.filter((b) => !b.job_id || !live.has(b.job_id));
  for (let i = 0; i < needed.length; i += 500) {
    const chunk = needed.slice(i, i + 500).map((b) => ({ batch: b.batch_no, id: randomUUID() }));
    // The job ids are written first: a crash in between leaves ids with no job, which the next call replaces.
    await store.transaction(async (trx) => {
      for (const c of chunk) await trx.updateTable('rescreen_batches').set({ job_id: c.id }).where('run_id', '=', run).where('batch_no', '=', c.batch).execute();
    });
    await boss.insert(
      chunk.map((c) => ({
        id: c.id,
        name: queue,
        data: { run, batch: c.batch } satisfies RescreenJob,
        expireInSeconds: info.job_timeout_seconds,
        retryLimit: 10,
        retryDelay: 1,
      })),
    );
  }
  return needed.length;
}

export class VersionMismatchError extends Error {
  constructor(run: number, runVersions: Record<string, string>, mine: Record<string, string>) {
    super(`rescreen run ${run} was made for screener versions ${canonicalJson(runVersions)} but this worker has ${canonicalJson(mine)}; run workers from the same release`);
    this.name = 'VersionMismatchError';
  }
}

export interface FlagChange {
  id: string;
  version: number;
  before: string[] | null;
  after: string[];
  before_versions: Record<string, string> | null;
  stalking_score: [number | null, number];
  s4a_score: [number | null, number];
}

export interface BatchOutcome {
  status: 'done' | 'already_done';
  screened: number;
  skipped: number;
  queue_items_created: number;
}

const withoutLinked = (flags: readonly string[]) => flags.filter((f) => f !== 'LINKED_PATTERN');
const sameFlags = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

export interface WorkerContext {
  store: Store;
  screener: Screener;
  reviewDueHours: number;
  log: FastifyBaseLogger;
}

async function rescreenedAlready(db: Db, ids: string[], versions: Versions): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .selectFrom('screenings')
    .select(['record_id', 'version'])
    .where('trigger', '=', 'rescreen')
    .where('record_id', 'in', ids)
    .where(sql<boolean>`versions->>'rules' = ${versions.rules} and versions->>'model' = ${versions.model} and versions->>'scorer' = ${versions.scorer}`)
    .execute();
  return new Set(rows.map((r) => `${r.record_id}\u0000${r.version}`));
}

/** Re-screens one batch. Safe to call any number of times, concurrently too. */
export async function processBatch(ctx: WorkerContext, job: RescreenJob, worker: string): Promise<BatchOutcome> {
  const { store, screener } = ctx;
  const db = store.db;
  const run = await db.selectFrom('rescreen_runs').select(['id', 'versions']).where('id', '=', job.run).executeTakeFirst();
  if (!run) throw new Error(`rescreen run ${job.run} does not exist`);
  if (!sameVersions(run.versions, screener.versions)) throw new VersionMismatchError(run.id, run.versions, screener.versions);
  const batch = await db
    .updateTable('rescreen_batches')
    .set({ worker, started_at: sql<Date>`now()` as never, attempts: sql<number>`attempts + 1` as never })
    .where('run_id', '=', job.run)
    .where('batch_no', '=', job.batch)
    .returning(['record_ids', 'done_at'])
    .executeTakeFirst();
  if (!batch) throw new Error(`rescreen run ${job.run} has no batch ${job.batch}`);
  const none = { screened: 0, skipped: 0, queue_items_created: 0 };
  if (batch.done_at) return { status: 'already_done', ...none };
  const ids = batch.record_ids;

  // Screening is the slow part, so it happens before the transaction (as on ingest).
  const stored = await db
    .selectFrom('records as r')
    .innerJoin('record_versions as v', (j) => j.onRef('v.record_id', '=', 'r.id').onRef('v.version', '=', 'r.current_version'))
    .select(['r.id', 'r.current_version', 'v.payload'])
    .where('r.id', 'in', ids)
    .execute();
  const before = await rescreenedAlready(db, ids, screener.versions);
  const results = new Map<string, { version: number; result: ScreeningResult }>();
  for (const row of stored) {
    if (before.has(`${row.id}\u0000${row.current_version}`)) continue;
    results.set(row.id, { version: row.current_version, result: await screenSafely(screener, row.payload as RecordInput, ctx.log) });
  }

  return store.transaction(async (trx) => {
    const refs = await trx.selectFrom('records').select(['id', 'current_version', 'victim_ref', 'suspect_ref']).where('id', 'in', ids).execute();
    // The same locks as ingest takes: a new version or a linked record arriving meanwhile waits.
    const names = new Set<string>(ids.map((id) => `record:${id}`));
    for (const r of refs) {
      const key = caseKey(r.victim_ref, r.suspect_ref);
      if (key) names.add(key);
    }
    await lockNames(trx, names);
    const state = await trx.selectFrom('rescreen_batches').select('done_at').where('run_id', '=', job.run).where('batch_no', '=', job.batch).forUpdate().executeTakeFirstOrThrow();
    if (state.done_at) return { status: 'already_done' as const, ...none };

    const current = new Map(
      (await trx.selectFrom('records').select(['id', 'current_version', 'victim_ref', 'suspect_ref']).where('id', 'in', ids).execute()).map((r) => [r.id, r]),
    );
    const done = await rescreenedAlready(trx, ids, screener.versions);
    const previous = new Map(
      (
        await trx
          .selectFrom('screenings')
          .distinctOn('record_id')
          .select(['record_id', 'version', 'flags', 'versions', 'stalking_score', 's4a_score'])
          .where('record_id', 'in', ids)
          .orderBy('record_id')
          .orderBy('id', 'desc')
          .execute()
      ).map((s) => [s.record_id, s]),
    );
    const queued = new Set((await trx.selectFrom('queue_items').select('record_id').where('record_id', 'in', ids).execute()).map((q) => q.record_id));

    let screened = 0;
    let skipped = 0;
    let created = 0;
    const flagCounts: Record<string, number> = {};
    const changes: FlagChange[] = [];
    for (const id of ids) {
      const cur = current.get(id);
      const r = results.get(id);
      // Gone (purged), already re-screened by these versions, or a newer version arrived since it
      // was read (ingest screened that one with the same screener).
      if (!cur || !r || r.version !== cur.current_version || done.has(`${id}\u0000${cur.current_version}`)) {
        skipped++;
        continue;
      }
      const result = r.result;
      const occasions = result.course_of_conduct?.occasions_min ?? 0;
      const hasBehaviour = hasBehaviourIndicator(result);
      let members: Awaited<ReturnType<typeof caseMembers>> = [];
      let linked = false;
      if (cur.victim_ref && cur.suspect_ref) {
        members = await caseMembers(trx, cur.victim_ref, cur.suspect_ref, id);
        linked = assessLinkedPattern({ occasions, hasBehaviour }, members.map((m) => ({ occasions: m.occasions_min, hasBehaviour: m.has_behaviour }))).linked;
      }
      const flags = [...withoutLinked(result.flags), ...(linked ? ['LINKED_PATTERN'] : [])];
      const screeningId = await insertScreening(trx, {
        recordId: id,
        version: cur.current_version,
        trigger: 'rescreen',
        result: { ...result, flags } as unknown as Record<string, unknown>,
        flags,
        stalkingScore: result.stalking_score,
        s4aScore: result.s4a_score,
        riskLevel: result.risk_level,
        occasionsMin: occasions,
        hasBehaviour,
        linkedRecordIds: members.map((m) => m.record_id),
        versions: result.versions,
      });
      screened++;
      for (const f of flags) flagCounts[f] = (flagCounts[f] ?? 0) + 1;
      if (flags.length) {
        // A decided item is not reopened: the record has not changed, only the screener. The change
        // shows in the run's comparison for a supervisor to act on.
        await upsertItem(
          trx,
          {
            recordId: id,
            version: cur.current_version,
            screeningId,
            flags,
            riskLevel: result.risk_level,
            linked,
            priority: basePriority({ riskLevel: result.risk_level, flags, stalkingScore: result.stalking_score, s4aScore: result.s4a_score, priorityBand: result.stalking_priority }),
            reopen: false,
          },
          ctx.reviewDueHours,
        );
        if (!queued.has(id)) created++;
      }
      const prev = previous.get(id);
      const prevFlags = prev && prev.version === cur.current_version ? prev.flags : null;
      if (!prevFlags ? flags.length > 0 : !sameFlags(prevFlags, flags)) {
        changes.push({
          id,
          version: cur.current_version,
          before: prevFlags,
          after: flags,
          before_versions: prevFlags ? prev!.versions : null,
          stalking_score: [prevFlags ? prev!.stalking_score : null, result.stalking_score],
          s4a_score: [prevFlags ? prev!.s4a_score : null, result.s4a_score],
        });
      }
    }
    await trx
      .updateTable('rescreen_batches')
      .set({
        done_at: sql<Date>`now()` as never,
        screened,
        skipped,
        flags: JSON.stringify(flagCounts),
        queue_items_created: created,
        changes: JSON.stringify(changes),
      })
      .where('run_id', '=', job.run)
      .where('batch_no', '=', job.batch)
      .execute();
    return { status: 'done' as const, screened, skipped, queue_items_created: created };
  });
}

export interface RunProgress {
  id: number;
  records: number;
  batches: number;
  batches_done: number;
  records_done: number;
  finished: boolean;
}

export async function runProgress(db: Db, run: number): Promise<RunProgress> {
  const r = await db.selectFrom('rescreen_runs').select(['id', 'records', 'batches', 'finished_at']).where('id', '=', run).executeTakeFirstOrThrow();
  const p = await db
    .selectFrom('rescreen_batches')
    .select([
      sql<number>`count(*) filter (where done_at is not null)::int`.as('batches_done'),
      sql<number>`coalesce(sum(cardinality(record_ids)) filter (where done_at is not null), 0)::int`.as('records_done'),
    ])
    .where('run_id', '=', run)
    .executeTakeFirstOrThrow();
  return { id: r.id, records: r.records, batches: r.batches, batches_done: p.batches_done, records_done: p.records_done, finished: r.finished_at !== null || p.batches_done === r.batches };
}

/** Marks the run finished once every batch is done (idempotent). */
export async function finishIfDone(db: Db, run: number): Promise<boolean> {
  const p = await runProgress(db, run);
  if (!p.finished) return false;
  await db.updateTable('rescreen_runs').set({ finished_at: sql<Date>`coalesce(finished_at, now())` as never }).where('id', '=', run).execute();
  return true;
}

export interface RunSummary {
  run: number;
  created_at: string;
  finished_at: string | null;
  filters: Record<string, unknown>;
  versions: Record<string, string>;
  records: number;
  batches: number;
  batches_done: number;
  screened: number;
  skipped: number;
  flags: Record<string, number>;
  records_flagged_changed: number;
  queue_items_created: number;
  attempts: number;
  seconds: number | null;
}

export async function runSummary(db: Db, run: number): Promise<RunSummary> {
  const r = await db.selectFrom('rescreen_runs').selectAll().where('id', '=', run).executeTakeFirstOrThrow();
  const batches = await db.selectFrom('rescreen_batches').select(['done_at', 'screened', 'skipped', 'flags', 'queue_items_created', 'attempts', 'changes', 'started_at']).where('run_id', '=', run).execute();
  const flags: Record<string, number> = {};
  let screened = 0;
  let skipped = 0;
  let items = 0;
  let changed = 0;
  let attempts = 0;
  let lastDone = 0;
  for (const b of batches) {
    screened += b.screened;
    skipped += b.skipped;
    items += b.queue_items_created;
    changed += b.changes.length;
    attempts += b.attempts;
    for (const [f, n] of Object.entries(b.flags)) flags[f] = (flags[f] ?? 0) + n;
    if (b.done_at) lastDone = Math.max(lastDone, +new Date(b.done_at));
  }
  const done = batches.filter((b) => b.done_at).length;
  return {
    run,
    created_at: new Date(r.created_at).toISOString(),
    finished_at: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    filters: r.filters,
    versions: r.versions,
    records: r.records,
    batches: r.batches,
    batches_done: done,
    screened,
    skipped,
    flags,
    records_flagged_changed: changed,
    queue_items_created: items,
    attempts,
    seconds: lastDone ? Math.round((lastDone - +new Date(r.created_at)) / 100) / 10 : null,
  };
}

/** The records whose flags the run changed, in record id order. */
export async function runChanges(db: Db, run: number, limit = Number.MAX_SAFE_INTEGER): Promise<FlagChange[]> {
  const rows = await db.selectFrom('rescreen_batches').select('changes').where('run_id', '=', run).where('done_at', 'is not', null).orderBy('batch_no').execute();
  return rows.flatMap((r) => r.changes as FlagChange[]).slice(0, limit);
}

export async function listRuns(db: Db, limit = 20) {
  return db.selectFrom('rescreen_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
}
