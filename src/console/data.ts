// The few reads the console makes from the store rather than through the API, because no route
// returns them: classification and dates for queue rows and the case timeline, and queue health
// counts. They select named metadata fields only, never the narrative, so nothing here needs the
// record.read audit entry that opening a record writes. (If GET /v1/queue grows recorded_as and a
// suggested classification, queue rows can come from the API alone.)
import { type Kysely, sql } from 'kysely';
import { queueStats } from '../store/queue.ts';
import type { Database } from '../store/schema.ts';
import { suggestedClassification } from './evidence.ts';

type Db = Kysely<Database>;

export interface RecordSummary {
  id: string;
  kind: string | null;
  recorded_as: string | null;
  occurred_at: string | null;
  reported_at: string | null;
  received_at: string;
  /** From the latest screening of the current version, e.g. "Stalking s4A(ii)". */
  suggested: string | null;
}

/** Metadata of the current version of each record, keyed by id. */
export async function recordSummaries(db: Db, ids: string[]): Promise<Map<string, RecordSummary>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db
    .selectFrom('records as r')
    .innerJoin('record_versions as v', (j) => j.onRef('v.record_id', '=', 'r.id').onRef('v.version', '=', 'r.current_version'))
    .select([
      'r.id',
      'v.received_at',
      sql<string | null>`v.payload->>'kind'`.as('kind'),
      sql<string | null>`v.payload->>'recorded_as'`.as('recorded_as'),
      sql<string | null>`v.payload->>'occurred_at'`.as('occurred_at'),
      sql<string | null>`v.payload->>'reported_at'`.as('reported_at'),
      sql<string | null>`(select s.result->'s4a'->>'proposed' from screenings s where s.record_id = r.id and s.version = r.current_version order by s.id desc limit 1)`.as('proposed'),
      sql<boolean | null>`(select (s.result->>'stalking_flag')::boolean from screenings s where s.record_id = r.id and s.version = r.current_version order by s.id desc limit 1)`.as('stalking_flag'),
    ])
    .where('r.id', 'in', unique)
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        kind: r.kind,
        recorded_as: r.recorded_as,
        occurred_at: r.occurred_at,
        reported_at: r.reported_at,
        received_at: new Date(r.received_at).toISOString(),
        suggested: suggestedClassification({ s4a: r.proposed ? ({ proposed: r.proposed } as never) : undefined, stalking_flag: r.stalking_flag ?? false }),
      },
    ]),
  );
}

export interface QueueHealth {
  depth: number;
  open: number;
  claimed: number;
  overdue: number;
  oldestAgeSeconds: number;
  byFlag: Record<string, number>;
}

/** queueStats (the same numbers /metrics reports) plus live claims and counts by flag. */
export async function queueHealth(db: Db): Promise<QueueHealth> {
  const stats = await queueStats(db);
  const claims = await db
    .selectFrom('queue_items')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('status', '=', 'claimed')
    .where('lock_expires_at', '>', sql<Date>`now()`)
    .executeTakeFirstOrThrow();
  const flags = await db
    .selectFrom(sql<{ flag: string }>`(select jsonb_array_elements_text(flags) as flag from queue_items where status <> 'decided')`.as('f'))
    .select(['f.flag', sql<number>`count(*)::int`.as('n')])
    .groupBy('f.flag')
    .execute();
  return {
    depth: stats.depth,
    open: stats.depth - claims.n,
    claimed: claims.n,
    overdue: stats.overdue,
    oldestAgeSeconds: stats.oldestAgeSeconds,
    byFlag: Object.fromEntries(flags.map((f) => [f.flag, f.n])),
  };
}
