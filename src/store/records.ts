// Records and their versions, and the screenings made of them.
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database, ScreeningRow } from './schema.ts';

type Db = Kysely<Database>;

/** JSON with object keys sorted, so the same payload always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function contentHash(payload: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

/** A 64-bit advisory-lock key for a name ("record:ID", "case:V|S"). */
function lockKey(name: string): bigint {
  const hex = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return BigInt.asIntN(64, BigInt(`0x${hex}`));
}

/**
 * Takes transaction-scoped advisory locks on every name at once, in one global order, so two
 * batches touching the same records or cases queue behind each other instead of deadlocking.
 *
 * `keyedPlans` also fixes how the rest of the transaction's statements are planned:
 * - generic plans, made once per connection: PostgreSQL kept planning the ingest's read and write
 *   afresh at every call (a custom plan per set of ids and refs: about 0.5 and 0.2 ms of the
 *   database's time per ingest, by log_min_duration_statement), as the generic plan's estimate for
 *   `= any($1)` looked dearer;
 * - no sequential scans and no hash joins. A generic plan lives as long as the connection, and one
 *   made while the tables were small (a new service, before autovacuum's first ANALYZE) scanned
 *   the whole of `records` and hashed `record_versions` on every later ingest: auto_explain in
 *   bench:api showed 24 ms reads. Every lookup here is by key, so the index paths are always right.
 * The settings end with the transaction. Settings and locks are one statement without parameters,
 * so PostgreSQL receives it together with the transaction's BEGIN (prepared-client.ts) and PGlite,
 * which takes one statement per query, in one query.
 */
export async function lockNames(trx: Db, names: Iterable<string>, keyedPlans = false): Promise<void> {
  const keys = [...new Set([...names].map(lockKey))].sort((a, b) => (a < b ? -1 : 1));
  if (!keys.length && !keyedPlans) return;
  const settings = keyedPlans
    ? [sql`set_config('plan_cache_mode', 'force_generic_plan', true)`, sql`set_config('enable_seqscan', 'off', true)`, sql`set_config('enable_hashjoin', 'off', true)`]
    : [];
  // The keys are written into the statement (bigints, so nothing but digits and a sign).
  const lock = keys.length
    ? [sql`(select count(pg_advisory_xact_lock(k)) from (select k from (values ${sql.join(keys.map((k) => sql.raw(`(${k}::bigint)`)))}) as t(k) order by k) as s)`]
    : [];
  await sql`select ${sql.join([...settings, ...lock])}`.execute(trx);
}

export interface CurrentVersion {
  id: string;
  current_version: number;
  content_hash: string;
  victim_ref: string | null;
  suspect_ref: string | null;
}

/** The current versions of the given ids, as SQL (one statement text for any number of ids). */
export function currentVersionsSql(ids: string[]) {
  return sql<CurrentVersion>`
    select r.id, r.current_version, v.content_hash, r.victim_ref, r.suspect_ref
    from records r join record_versions v on v.record_id = r.id and v.version = r.current_version
    where r.id = any(${ids}::text[])`;
}

/** The latest version's hash for each id that exists. */
export async function currentVersions(db: Db, ids: string[]): Promise<Map<string, CurrentVersion>> {
  if (!ids.length) return new Map();
  const { rows } = await currentVersionsSql(ids).execute(db);
  return new Map(rows.map((r) => [r.id, r]));
}

export async function touchRecord(trx: Db, id: string): Promise<void> {
  await trx.updateTable('records').set({ updated_at: sql<Date>`now()` as never }).where('id', '=', id).execute();
}

export interface StoredRecord {
  id: string;
  current_version: number;
  created_at: Date;
  updated_at: Date;
  version: number;
  received_at: Date;
  payload: Record<string, unknown>;
}

/** A record at its current version, or at the given one. */
export async function getRecord(db: Db, id: string, version?: number): Promise<StoredRecord | undefined> {
  const row = await db
    .selectFrom('records as r')
    .innerJoin('record_versions as v', 'v.record_id', 'r.id')
    .select(['r.id', 'r.current_version', 'r.created_at', 'r.updated_at', 'v.version', 'v.received_at', 'v.payload'])
    .where('r.id', '=', id)
    .$if(version === undefined, (q) => q.whereRef('v.version', '=', 'r.current_version'))
    .$if(version !== undefined, (q) => q.where('v.version', '=', version!))
    .executeTakeFirst();
  return row as StoredRecord | undefined;
}

export async function listVersions(db: Db, id: string) {
  return db
    .selectFrom('record_versions')
    .select(['version', 'received_at', 'content_hash'])
    .where('record_id', '=', id)
    .orderBy('version')
    .execute();
}

export interface NewScreening {
  recordId: string;
  version: number;
  trigger: 'ingest' | 'link' | 'rescreen';
  result: Record<string, unknown>;
  flags: string[];
  stalkingScore: number;
  s4aScore: number;
  riskLevel: string;
  occasionsMin: number;
  hasBehaviour: boolean;
  linkedRecordIds: string[];
  versions: Record<string, string>;
}

export async function insertScreening(trx: Db, s: NewScreening): Promise<number> {
  const row = await trx
    .insertInto('screenings')
    .values({
      record_id: s.recordId,
      version: s.version,
      trigger: s.trigger,
      result: JSON.stringify(s.result),
      flags: JSON.stringify(s.flags),
      stalking_score: s.stalkingScore,
      s4a_score: s.s4aScore,
      risk_level: s.riskLevel,
      occasions_min: s.occasionsMin,
      has_behaviour: s.hasBehaviour,
      linked_record_ids: JSON.stringify(s.linkedRecordIds),
      versions: JSON.stringify(s.versions),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function latestScreening(db: Db, recordId: string): Promise<ScreeningRow | undefined> {
  return db.selectFrom('screenings').selectAll().where('record_id', '=', recordId).orderBy('id', 'desc').limit(1).executeTakeFirst();
}
