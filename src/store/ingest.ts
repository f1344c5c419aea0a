// The ingest transaction's reads and writes as whole-batch statements. However many records a
// request carries, the transaction makes one lock statement, one read and one write, where it
// made about ten statements per record before (README, Speed: measured effect and what is left).
import { type Kysely, sql } from 'kysely';
import { caseMembersSql, groupCaseMembers, type CaseMember, type CaseMemberRow } from './links.ts';
import { queueConflictClause } from './queue.ts';
import { currentVersionsSql, type CurrentVersion } from './records.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

export interface IngestState {
  current: Map<string, CurrentVersion>;
  /** Every member of each case the batch touches, by caseKey, newest first. */
  histories: Map<string, CaseMember[]>;
}

/**
 * What the batch needs to know, read once after its locks are taken, in one statement. json_agg,
 * not jsonb_agg: the rows only pass through to the client, and jsonb would first parse each into
 * its binary form and sort its keys (about a tenth of PostgreSQL's time per ingest, by perf).
 */
export async function readIngestState(
  trx: Db,
  ids: string[],
  cases: { victimRef: string; suspectRef: string }[],
): Promise<IngestState> {
  const { rows } = await ingestStateSql(ids, cases).execute(trx);
  const { current, members } = rows[0]!;
  return { current: new Map(current.map((c) => [c.id, c])), histories: groupCaseMembers(members, cases) };
}

/** The read as SQL: one statement text for any number of ids and cases, so it is prepared once. */
export function ingestStateSql(ids: string[], cases: { victimRef: string; suspectRef: string }[]) {
  return sql<{ current: CurrentVersion[]; members: CaseMemberRow[] }>`
    with cur as (${currentVersionsSql(ids)}), mem as (${caseMembersSql(cases)})
    select (select coalesce(json_agg(cur), '[]'::json) from cur) as current,
           (select coalesce(json_agg(mem order by mem.record_id), '[]'::json) from mem) as members`;
}

export interface VersionWrite {
  record_id: string;
  version: number;
  content_hash: string;
  payload: Record<string, unknown>;
  victim_ref: string | null;
  suspect_ref: string | null;
}

/**
 * A screening to store. An 'ingest' screening carries everything; a 'link' screening of a record
 * already stored names the screening it copies (`copy_from`) and carries only its new flags and
 * linked records, so the stored result is not read back into the server to be written again.
 */
export type ScreeningWrite = {
  record_id: string;
  version: number;
  trigger: 'ingest' | 'link';
  flags: string[];
  linked_record_ids: string[];
} & (
  | { copy_from: number }
  | {
      result: Record<string, unknown>;
      stalking_score: number;
      s4a_score: number;
      risk_level: string;
      occasions_min: number;
      has_behaviour: boolean;
      versions: Record<string, string>;
    }
);

/** The final queue state of one record after the batch; `trigger` and `version` name its screening. */
export interface ItemWrite {
  record_id: string;
  version: number;
  trigger: 'ingest' | 'link';
  flags: string[];
  risk_level: string;
  linked: boolean;
  priority: number;
  /** Reopen the item if it was decided (a new version arrived). */
  reopen: boolean;
}

export interface IngestWrite {
  /** In arrival order; one record may have several. */
  versions: VersionWrite[];
  /** In the order they happened: the later screening of a record gets the higher id. */
  screenings: ScreeningWrite[];
  /** At most one per record. */
  items: ItemWrite[];
  /** One entry per request the transaction serves, in arrival order. */
  audit: { actor: string; role: string; details: Record<string, unknown> }[];
  dueHours: number;
}

/**
 * One statement: new versions, the records' current state, screenings, queue items and the audit
 * entries. Returns the queue item id of each record that has one now.
 */
export async function writeIngest(trx: Db, w: IngestWrite): Promise<Map<string, number>> {
  // The records table holds each record's last state: one row per id, as ON CONFLICT requires.
  const records = new Map(w.versions.map((v) => [v.record_id, { id: v.record_id, current_version: v.version, victim_ref: v.victim_ref, suspect_ref: v.suspect_ref }]));
  const screenings = w.screenings.map((s, ord) => ({ ...s, ord }));
  const { rows } = await sql<{ record_id: string; id: number }>`
    with rin as (
      select * from jsonb_to_recordset(${JSON.stringify([...records.values()])}::jsonb)
        as x(id text, current_version integer, victim_ref text, suspect_ref text)
    ), rec as (
      insert into records (id, current_version, victim_ref, suspect_ref, updated_at)
      select id, current_version, victim_ref, suspect_ref, now() from rin
      on conflict (id) do update set current_version = excluded.current_version, victim_ref = excluded.victim_ref,
        suspect_ref = excluded.suspect_ref, updated_at = now()
    ), ver as (
      insert into record_versions (record_id, version, content_hash, payload)
      select record_id, version, content_hash, payload from jsonb_to_recordset(${JSON.stringify(w.versions)}::jsonb)
        as x(record_id text, version integer, content_hash text, payload jsonb)
    ), sin as (
      select * from jsonb_to_recordset(${JSON.stringify(screenings)}::jsonb)
        as x(ord integer, record_id text, version integer, trigger text, copy_from integer, result jsonb, flags jsonb,
             stalking_score double precision, s4a_score double precision, risk_level text, occasions_min integer,
             has_behaviour boolean, linked_record_ids jsonb, versions jsonb)
    ), scr as (
      insert into screenings (record_id, version, trigger, result, flags, stalking_score, s4a_score, risk_level,
                              occasions_min, has_behaviour, linked_record_ids, versions)
      select i.record_id, i.version, i.trigger, coalesce(i.result, jsonb_set(p.result, '{flags}', i.flags)), i.flags,
             coalesce(i.stalking_score, p.stalking_score), coalesce(i.s4a_score, p.s4a_score), coalesce(i.risk_level, p.risk_level),
             coalesce(i.occasions_min, p.occasions_min), coalesce(i.has_behaviour, p.has_behaviour), i.linked_record_ids,
             coalesce(i.versions, p.versions)
      -- LATERAL with LIMIT keeps this an index lookup per copied row: a plain join estimated the
      -- function's 100 rows and hashed the whole screenings table on every ingest.
      from sin i left join lateral (select * from screenings p where p.id = i.copy_from limit 1) p on true
      order by i.ord
      returning id, record_id, version, trigger
    ), qin as (
      select * from jsonb_to_recordset(${JSON.stringify(w.items)}::jsonb)
        as x(record_id text, version integer, trigger text, flags jsonb, risk_level text, linked boolean,
             priority double precision, reopen boolean)
    ), itm as (
      insert into queue_items (record_id, record_version, screening_id, status, flags, risk_level, linked, priority, due_at, updated_at)
      select q.record_id, q.version, s.id, 'open', q.flags, q.risk_level, q.linked, q.priority,
             now() + make_interval(secs => ${w.dueHours * 3600}), now()
      from qin q join scr s on s.record_id = q.record_id and s.version = q.version and s.trigger = q.trigger
      ${queueConflictClause(sql`(select q.reopen from qin q where q.record_id = excluded.record_id)`)}
      returning id, record_id
    ), aud as (
      insert into audit_log (actor, role, action, details)
      select actor, role, 'records.ingest', details
      from rows from (jsonb_to_recordset(${JSON.stringify(w.audit)}::jsonb) as (actor text, role text, details jsonb)) with ordinality
        as x(actor, role, details, ord)
      order by ord
    )
    select record_id, id from itm`.execute(trx);
  return new Map(rows.map((r) => [r.record_id, r.id]));
}
