// The review queue: one item per flagged record, a priority, a due time, an expiring claim, decisions.
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Database, DecisionValue, QueueItemRow, QueueStatus } from './schema.ts';

type Db = Kysely<Database>;

const RISK_WEIGHT: Record<string, number> = { high: 40, medium: 15, standard: 0 };
// LINKED_PATTERN weighs most: a course of conduct only visible across records is exactly what
// single-record review misses (DOMAIN §1.2, §6.3). HIGH_RISK is small because risk is counted above.
const FLAG_WEIGHT: Record<string, number> = {
  LINKED_PATTERN: 25,
  BREACH_AS_STALKING: 20,
  POSSIBLE_S4A: 20,
  MISSED_STALKING: 15,
  HIGH_RISK: 10,
};
/** Waiting adds one point an hour, up to this many: old items rise, but not above fresh high risk. */
export const AGE_CAP_HOURS = 48;

/**
 * The screener's priority band (a stalking score at or above the priority threshold) adds this much:
 * with the flag threshold set for recall, the band is what reviewers should read first.
 */
const PRIORITY_BAND_WEIGHT = 30;

/** Base priority of an item from its screening; the age term is added when the queue is read. */
export function basePriority(s: { riskLevel: string; flags: string[]; stalkingScore: number; s4aScore: number; priorityBand?: boolean }): number {
  const flags = s.flags.reduce((n, f) => n + (FLAG_WEIGHT[f] ?? 5), 0);
  const band = s.priorityBand ? PRIORITY_BAND_WEIGHT : 0;
  return Math.round(((RISK_WEIGHT[s.riskLevel] ?? 0) + flags + band + 10 * Math.max(s.stalkingScore, s.s4aScore)) * 100) / 100;
}

const effectiveStatus = sql<QueueStatus>`case when q.status = 'claimed' and q.lock_expires_at <= now() then 'open' else q.status end`;
const effectivePriority = sql<number>`q.priority + least(greatest(extract(epoch from (now() - q.queued_at)) / 3600.0, 0), ${AGE_CAP_HOURS})`;

export interface QueueItem {
  id: number;
  record_id: string;
  record_version: number;
  status: QueueStatus;
  flags: string[];
  risk_level: string;
  linked: boolean;
  priority: number;
  effective_priority: number;
  due_at: Date;
  overdue: boolean;
  queued_at: Date;
  updated_at: Date;
  claimed_by: string | null;
  lock_expires_at: Date | null;
  stalking_score: number;
  s4a_score: number;
  linked_record_ids: string[];
}

function itemQuery(db: Db) {
  return db
    .selectFrom('queue_items as q')
    .innerJoin('screenings as s', 's.id', 'q.screening_id')
    .select([
      'q.id',
      'q.record_id',
      'q.record_version',
      effectiveStatus.as('status'),
      'q.flags',
      'q.risk_level',
      'q.linked',
      'q.priority',
      effectivePriority.as('effective_priority'),
      'q.due_at',
      sql<boolean>`q.due_at < now() and q.status <> 'decided'`.as('overdue'),
      'q.queued_at',
      'q.updated_at',
      sql<string | null>`case when q.status = 'claimed' and q.lock_expires_at > now() then q.claimed_by end`.as('claimed_by'),
      sql<Date | null>`case when q.status = 'claimed' and q.lock_expires_at > now() then q.lock_expires_at end`.as('lock_expires_at'),
      's.stalking_score',
      's.s4a_score',
      's.linked_record_ids',
    ]);
}

function toItem(row: Record<string, unknown>): QueueItem {
  const r = row as unknown as QueueItem;
  return { ...r, effective_priority: Math.round(Number(r.effective_priority) * 100) / 100, overdue: Boolean(r.overdue) };
}

export async function getItem(db: Db, id: number): Promise<QueueItem | undefined> {
  const row = await itemQuery(db).where('q.id', '=', id).executeTakeFirst();
  return row && toItem(row);
}

export async function itemForRecord(db: Db, recordId: string): Promise<QueueItem | undefined> {
  const row = await itemQuery(db).where('q.record_id', '=', recordId).executeTakeFirst();
  return row && toItem(row);
}

export interface QueueFilter {
  status: QueueStatus | 'pending' | 'all';
  flag?: string | undefined;
  limit: number;
  offset: number;
}

/** Highest effective priority first, then the earliest due. */
export async function listQueue(db: Db, f: QueueFilter): Promise<{ items: QueueItem[]; total: number }> {
  const statusWhere =
    f.status === 'all'
      ? sql<SqlBool>`true`
      : f.status === 'pending'
        ? sql<SqlBool>`q.status <> 'decided'`
        : sql<SqlBool>`${effectiveStatus} = ${f.status}`;
  const flagWhere = f.flag ? sql<SqlBool>`q.flags @> ${JSON.stringify([f.flag])}::jsonb` : sql<SqlBool>`true`;
  const rows = await itemQuery(db)
    .where(statusWhere)
    .where(flagWhere)
    .orderBy(sql`${effectivePriority}`, 'desc')
    .orderBy('q.due_at')
    .orderBy('q.id')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  const total = await db
    .selectFrom('queue_items as q')
    .select(sql<number>`count(*)::int`.as('n'))
    .where(statusWhere)
    .where(flagWhere)
    .executeTakeFirstOrThrow();
  return { items: rows.map(toItem), total: total.n };
}

/**
 * The ON CONFLICT clause of every queue write: the item takes the newer screening; a decided item
 * reopens when `reopen` holds for it (a new version of the record is new information for a human);
 * a claimed item keeps its reviewer, who then sees the newer screening. In the INSERT itself, so
 * concurrent writers cannot both insert and the rule is applied to the row as it is at that moment.
 */
export function queueConflictClause(reopen: RawBuilder<boolean>): RawBuilder<unknown> {
  const r = sql`(queue_items.status = 'decided' and ${reopen})`;
  return sql`on conflict (record_id) do update set
    record_version = excluded.record_version,
    screening_id = excluded.screening_id,
    flags = excluded.flags,
    risk_level = excluded.risk_level,
    linked = excluded.linked,
    priority = excluded.priority,
    updated_at = now(),
    status = case when ${r} then 'open' else queue_items.status end,
    due_at = case when ${r} then excluded.due_at else queue_items.due_at end,
    queued_at = case when ${r} then now() else queue_items.queued_at end,
    claimed_by = case when ${r} then null else queue_items.claimed_by end,
    lock_expires_at = case when ${r} then null else queue_items.lock_expires_at end`;
}

/** Puts one flagged screening in the queue (creates the item or moves it to this screening). */
export async function upsertItem(
  trx: Db,
  s: { recordId: string; version: number; screeningId: number; flags: string[]; riskLevel: string; linked: boolean; priority: number; reopen: boolean },
  dueHours: number,
): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    insert into queue_items (record_id, record_version, screening_id, status, flags, risk_level, linked, priority, due_at, updated_at)
    values (${s.recordId}, ${s.version}, ${s.screeningId}, 'open', ${JSON.stringify(s.flags)}::jsonb, ${s.riskLevel}, ${s.linked}, ${s.priority},
            now() + make_interval(secs => ${dueHours * 3600}), now())
    ${queueConflictClause(sql`${s.reopen}::boolean`)}
    returning id`.execute(trx);
  return rows[0]!.id;
}

export type ClaimOutcome = { ok: true; item: QueueItem } | { ok: false; reason: 'not_found' | 'decided' | 'locked'; item?: QueueItem };

/**
 * One conditional UPDATE: it succeeds only while the item is free, its lock has expired, or the caller
 * already holds it. Two reviewers racing for the same item serialise on the row lock and the loser's
 * WHERE is re-checked against the winner's committed row, so exactly one of them gets it.
 */
export async function claimItem(db: Db, id: number, reviewer: string, lockMinutes: number): Promise<ClaimOutcome> {
  const claimed = await db
    .updateTable('queue_items')
    .set({
      status: 'claimed',
      claimed_by: reviewer,
      lock_expires_at: sql<Date>`now() + make_interval(secs => ${lockMinutes * 60})` as never,
      updated_at: sql<Date>`now()` as never,
    })
    .where('id', '=', id)
    .where('status', '<>', 'decided')
    .where((eb) =>
      eb.or([eb('status', '=', 'open'), eb('lock_expires_at', '<=', sql<Date>`now()`), eb('claimed_by', '=', reviewer)]),
    )
    .returning('id')
    .executeTakeFirst();
  const item = await getItem(db, id);
  if (claimed && item) return { ok: true, item };
  if (!item) return { ok: false, reason: 'not_found' };
  return { ok: false, reason: item.status === 'decided' ? 'decided' : 'locked', item };
}

export type ReleaseOutcome = { ok: true; item: QueueItem } | { ok: false; reason: 'not_found' | 'not_holder'; item?: QueueItem };

/** Gives a claim back. Only its holder may, or a supervisor (force) freeing an abandoned item. */
export async function releaseItem(db: Db, id: number, reviewer: string, force: boolean): Promise<ReleaseOutcome> {
  const released = await db
    .updateTable('queue_items')
    .set({ status: 'open', claimed_by: null, lock_expires_at: null, updated_at: sql<Date>`now()` as never })
    .where('id', '=', id)
    .where('status', '=', 'claimed')
    .where('lock_expires_at', '>', sql<Date>`now()`)
    .$if(!force, (q) => q.where('claimed_by', '=', reviewer))
    .returning('id')
    .executeTakeFirst();
  const item = await getItem(db, id);
  if (!item) return { ok: false, reason: 'not_found' };
  return released ? { ok: true, item } : { ok: false, reason: 'not_holder', item };
}

export type DecideOutcome =
  | { ok: true; decisionId: number; recordId: string; recordVersion: number }
  | { ok: false; reason: 'not_found' | 'decided' | 'not_holder' };

/** Records a decision; the caller must hold a live claim on the item. Run inside a transaction. */
export async function decideItem(
  trx: Db,
  id: number,
  reviewer: string,
  d: { decision: DecisionValue; reason: string; recommendedClassification: string | null },
): Promise<DecideOutcome> {
  const item = await trx
    .updateTable('queue_items')
    .set({ status: 'decided', claimed_by: null, lock_expires_at: null, updated_at: sql<Date>`now()` as never })
    .where('id', '=', id)
    .where('status', '=', 'claimed')
    .where('claimed_by', '=', reviewer)
    .where('lock_expires_at', '>', sql<Date>`now()`)
    .returning(['record_id', 'record_version'])
    .executeTakeFirst();
  if (!item) {
    const row = await trx.selectFrom('queue_items').select('status').where('id', '=', id).executeTakeFirst();
    return { ok: false, reason: !row ? 'not_found' : row.status === 'decided' ? 'decided' : 'not_holder' };
  }
  const decision = await trx
    .insertInto('decisions')
    .values({
      item_id: id,
      record_id: item.record_id,
      record_version: item.record_version,
      decision: d.decision,
      reason: d.reason,
      recommended_classification: d.recommendedClassification,
      decided_by: reviewer,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ok: true, decisionId: decision.id, recordId: item.record_id, recordVersion: item.record_version };
}

export async function decisionsForRecord(db: Db, recordId: string) {
  return db
    .selectFrom('decisions')
    .select(['id', 'item_id', 'record_version', 'decision', 'reason', 'recommended_classification', 'decided_by', 'decided_at'])
    .where('record_id', '=', recordId)
    .orderBy('id')
    .execute();
}

/** Items awaiting a decision and how long the oldest has waited, for the metrics. */
export async function queueStats(db: Db): Promise<{ depth: number; oldestAgeSeconds: number; overdue: number }> {
  const row = await db
    .selectFrom('queue_items')
    .select([
      sql<number>`count(*)::int`.as('depth'),
      sql<number>`coalesce(extract(epoch from (now() - min(queued_at))), 0)::float8`.as('oldest'),
      sql<number>`count(*) filter (where due_at < now())::int`.as('overdue'),
    ])
    .where('status', '<>', 'decided')
    .executeTakeFirstOrThrow();
  return { depth: row.depth, oldestAgeSeconds: Number(row.oldest), overdue: row.overdue };
}

export type { QueueItemRow };
