// Linking: records about the same victim and suspect form a case history (DOMAIN §1.2: count
// occasions across all linked records, not within one narrative only).
//
// Only records carrying BOTH victim_ref and suspect_ref are linked, and only on exact equality of
// the pair. Where a ref is missing we deliberately link nothing: matching on names, addresses or
// phone numbers in free text would join different people's records, put one person's history in
// front of a reviewer looking at another's, and manufacture a "pattern" out of coincidence. A
// false LINKED_PATTERN is worse than a missed one here, because the record is still screened alone.
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

/** How many linked records a case history considers (the most recent), to bound the work per ingest. */
export const MAX_CASE_MEMBERS = 200;

export interface CaseMember {
  record_id: string;
  version: number;
  screening_id: number;
  occasions_min: number;
  has_behaviour: boolean;
  flags: string[];
  /** What the queue priority of a 'link' screening is computed from. */
  risk_level: string;
  stalking_score: number;
  s4a_score: number;
}

/** Indicators that count as conduct: a behaviour the text asserts happened to this victim. */
interface IndicatorLike {
  category?: string;
  context?: { negated?: boolean; hypothetical?: boolean; other_experiencer?: boolean; counter_allegation?: boolean };
}

export function hasBehaviourIndicator(result: { indicators?: IndicatorLike[] }): boolean {
  return (result.indicators ?? []).some(
    (i) =>
      i.category === 'behaviour' &&
      !i.context?.negated &&
      !i.context?.hypothetical &&
      !i.context?.other_experiencer &&
      !i.context?.counter_allegation,
  );
}

export interface LinkAssessment {
  linked: boolean;
  occasions_total: number;
  records_with_behaviour: number;
}

/**
 * LINKED_PATTERN: the history together shows a course of conduct (at least two occasions summed,
 * or at least two records with behaviour indicators) that this record alone (fewer than two
 * occasions) does not.
 */
export function assessLinkedPattern(
  self: { occasions: number; hasBehaviour: boolean },
  others: { occasions: number; hasBehaviour: boolean }[],
): LinkAssessment {
  const occasions_total = self.occasions + others.reduce((n, o) => n + o.occasions, 0);
  const records_with_behaviour = (self.hasBehaviour ? 1 : 0) + others.filter((o) => o.hasBehaviour).length;
  const linked = others.length > 0 && self.occasions < 2 && (occasions_total >= 2 || records_with_behaviour >= 2);
  return { linked, occasions_total, records_with_behaviour };
}

export function caseKey(victimRef: string | null | undefined, suspectRef: string | null | undefined): string | null {
  return victimRef && suspectRef ? `case:${victimRef}\u0000${suspectRef}` : null;
}

/** The latest screening of the current version of every record in the case, newest records first. */
export async function caseMembers(db: Db, victimRef: string, suspectRef: string, excludeId?: string): Promise<CaseMember[]> {
  const cases = [{ victimRef, suspectRef }];
  const { rows } = await caseMembersSql(cases).execute(db);
  const all = groupCaseMembers(rows, cases).get(caseKey(victimRef, suspectRef)!)!;
  return all.filter((m) => m.record_id !== excludeId).slice(0, MAX_CASE_MEMBERS);
}

/** A member row as caseMembersSql selects it (the refs and time say which case and in what order). */
export interface CaseMemberRow extends CaseMember {
  victim_ref: string;
  suspect_ref: string;
  updated_at: Date | string;
}

/**
 * The members of the given cases: the latest screening of each record's current version. The refs
 * are matched as two arrays (an index scan on records_case_idx for any number of cases, with one
 * statement text, so it is prepared once); a record whose victim is in one case and suspect in
 * another is dropped by groupCaseMembers.
 *
 * Each member's screening is fetched by LATERAL ... LIMIT 1 down screenings_record_idx, so the work
 * is one index probe per member whatever the table's size or statistics. A plain join left the
 * choice to the planner, and under the ingest's generic plans (records.ts, lockNames) it chose to
 * hash-join a sequential scan of the whole screenings table on every ingest (EXPLAIN on bench:api's
 * database: 4,355 rows read for 80 members, 5.3 ms), a cost that grows with every record stored.
 */
export function caseMembersSql(cases: { victimRef: string; suspectRef: string }[]) {
  const victims = [...new Set(cases.map((c) => c.victimRef))];
  const suspects = [...new Set(cases.map((c) => c.suspectRef))];
  return sql<CaseMemberRow>`
    select r.id as record_id, r.current_version as version, s.id as screening_id, s.occasions_min,
           s.has_behaviour, s.flags, s.risk_level, s.stalking_score, s.s4a_score, r.victim_ref, r.suspect_ref, r.updated_at
    from records r cross join lateral (
      select s.id, s.occasions_min, s.has_behaviour, s.flags, s.risk_level, s.stalking_score, s.s4a_score
      from screenings s where s.record_id = r.id and s.version = r.current_version
      order by s.id desc limit 1
    ) s
    where r.victim_ref = any(${victims}::text[]) and r.suspect_ref = any(${suspects}::text[])
    order by r.id`;
}

/**
 * Member rows grouped by caseKey (every case asked about has an entry), newest records first and
 * not cut to MAX_CASE_MEMBERS: the caller drops the record in hand first, then cuts.
 */
export function groupCaseMembers(rows: CaseMemberRow[], cases: { victimRef: string; suspectRef: string }[]): Map<string, CaseMember[]> {
  const out = new Map<string, CaseMember[]>(cases.map((c) => [caseKey(c.victimRef, c.suspectRef)!, []]));
  // Stable sort: records updated at the same moment keep their id order. (Each time is parsed
  // once, not at every comparison.)
  const sorted = rows.map((row) => ({ row, at: +new Date(row.updated_at) })).sort((a, b) => b.at - a.at);
  for (const { row: { victim_ref, suspect_ref, updated_at: _u, ...m } } of sorted) out.get(caseKey(victim_ref, suspect_ref)!)?.push(m);
  return out;
}
