// Ingest: store each record as a new version (or recognise a repeat), screen it, link it to the
// case history and queue it when flagged, all in one transaction per request.
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Config } from '../config.ts';
import type { RecordInput } from '../screening/record.ts';
import type { Screener } from '../screening/pipeline.ts';
import type { ScreeningRecord, ScreeningResult } from '../screening/types.ts';
import { appendAudit } from '../store/audit.ts';
import type { Store } from '../store/database.ts';
import { assessLinkedPattern, caseKey, caseMembers, hasBehaviourIndicator, type CaseMember } from '../store/links.ts';
import { basePriority, upsertItem } from '../store/queue.ts';
import { contentHash, currentVersions, insertScreening, insertVersion, lockNames, type CurrentVersion } from '../store/records.ts';
import type { ScreeningRow } from '../store/schema.ts';

export type IngestStatus = 'created' | 'updated' | 'unchanged';

export interface LinkedRecord {
  id: string;
  version: number;
  occasions_min: number;
  has_behaviour: boolean;
  flags: string[];
}

export interface IngestOutcome {
  id: string;
  version: number;
  status: IngestStatus;
  flags: string[];
  queue_item_id: number | null;
  linked_records: LinkedRecord[];
  linked_pattern: { occasions_total: number; records_with_behaviour: number } | null;
  result: ScreeningResult;
}

export interface IngestDeps {
  store: Store;
  screener: Screener;
  config: Pick<Config, 'reviewDueHours'>;
  log: Logger;
}

/** How many linked records a response lists; the case may hold more. */
const LINKED_SHOWN = 50;

/**
 * When the screener throws on a record, the record is still stored and queued for a human with
 * SCREENING_FAILED, rather than the whole request failing and the record being lost.
 */
function failedResult(id: string, versions: ScreeningResult['versions']): ScreeningResult {
  const empty = { met: false, evidence: [] };
  return {
    id,
    stalking_score: 0,
    stalking_flag: false,
    s4a_score: 0,
    s4a_flag: false,
    risk_level: 'standard',
    flags: ['SCREENING_FAILED' as never],
    indicators: [],
    four: { fixated: 0, obsessive: 0, unwanted: 0, repeated: 0, codes: { fixated: [], obsessive: [], unwanted: [], repeated: [] } },
    course_of_conduct: { occasions_min: 0, evidence: [] },
    s4a: { limb_i: { occasions: 0, ...empty }, limb_ii: empty, ought_to_know: [], proposed: null },
    risk: { level: 'standard', markers: [] },
    recorded_as_class: null,
    digital_leads: [],
    notes: ['automatic screening failed on this record'],
    recommendation: 'The automatic screening failed on this record; review it by hand.',
    versions,
  };
}

export async function screenSafely(screener: Screener, record: RecordInput, log: Logger): Promise<ScreeningResult> {
  try {
    return await screener.screen(record as ScreeningRecord);
  } catch (err) {
    // The error only: its message could quote the text, so the type and stack frames are what is kept.
    log.error({ err: { type: (err as Error)?.name, stack: (err as Error)?.stack?.split('\n').slice(1).join('\n') } }, 'screening failed');
    return failedResult(record.id, screener.versions);
  }
}

const withoutLinked = (flags: readonly string[]) => flags.filter((f) => f !== 'LINKED_PATTERN');

export async function ingestRecords(deps: IngestDeps, records: RecordInput[], actor: { name: string; role: string }): Promise<IngestOutcome[]> {
  const { store, screener, log } = deps;
  const hashes = records.map((r) => contentHash(r));
  const ids = [...new Set(records.map((r) => r.id))];

  // Screening is the slow part, so it happens before the transaction; a payload already stored is
  // not screened again. (If a concurrent request changes a record in between, the transaction
  // notices and screens inside instead.)
  const before = await currentVersions(store.db, ids);
  const screened: (ScreeningResult | undefined)[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    screened[i] = before.get(r.id)?.content_hash === hashes[i] ? undefined : await screenSafely(screener, r, log);
  }

  const outcomes = await store.transaction(async (trx) => {
    // Serialise with any other request touching the same records or the same cases.
    const lockNamesList = new Set<string>();
    for (const r of records) {
      lockNamesList.add(`record:${r.id}`);
      const key = caseKey(r.victim_ref, r.suspect_ref);
      if (key) lockNamesList.add(key);
    }
    await lockNames(trx, lockNamesList);

    const current = await currentVersions(trx, ids);
    const out: (IngestOutcome | { id: string; unchanged: true; version: number })[] = [];
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const hash = hashes[i]!;
      const cur = current.get(r.id);
      if (cur && cur.content_hash === hash) {
        out.push({ id: r.id, unchanged: true, version: cur.current_version });
        continue;
      }
      const version = (cur?.current_version ?? 0) + 1;
      const victimRef = r.victim_ref ?? null;
      const suspectRef = r.suspect_ref ?? null;
      await insertVersion(trx, { id: r.id, version, hash, payload: r, victimRef, suspectRef });
      current.set(r.id, { id: r.id, current_version: version, content_hash: hash, victim_ref: victimRef, suspect_ref: suspectRef } satisfies CurrentVersion);

      const result = screened[i] ?? (await screenSafely(screener, r, log));
      const occasions = result.course_of_conduct?.occasions_min ?? 0;
      const hasBehaviour = hasBehaviourIndicator(result);

      let members: CaseMember[] = [];
      let link = null as ReturnType<typeof assessLinkedPattern> | null;
      if (victimRef && suspectRef) {
        members = await caseMembers(trx, victimRef, suspectRef, r.id);
        link = assessLinkedPattern(
          { occasions, hasBehaviour },
          members.map((m) => ({ occasions: m.occasions_min, hasBehaviour: m.has_behaviour })),
        );
      }
      const flags = [...withoutLinked(result.flags), ...(link?.linked ? ['LINKED_PATTERN'] : [])];
      const stored: ScreeningResult = { ...result, flags: flags as ScreeningResult['flags'] };
      const screeningId = await insertScreening(trx, {
        recordId: r.id,
        version,
        trigger: 'ingest',
        result: stored as unknown as Record<string, unknown>,
        flags,
        stalkingScore: result.stalking_score,
        s4aScore: result.s4a_score,
        riskLevel: result.risk_level,
        occasionsMin: occasions,
        hasBehaviour,
        linkedRecordIds: members.map((m) => m.record_id),
        versions: result.versions,
      });
      let itemId: number | null = null;
      if (flags.length) {
        itemId = await upsertItem(
          trx,
          {
            recordId: r.id,
            version,
            screeningId,
            flags,
            riskLevel: result.risk_level,
            linked: !!link?.linked,
            priority: basePriority({ riskLevel: result.risk_level, flags, stalkingScore: result.stalking_score, s4aScore: result.s4a_score }),
            reopen: true,
          },
          deps.config.reviewDueHours,
        );
      }
      if (link && members.length) await relinkMembers(trx, deps, members, { occasions, hasBehaviour }, r.id);

      out.push({
        id: r.id,
        version,
        status: cur ? 'updated' : 'created',
        flags,
        queue_item_id: itemId,
        linked_records: members.slice(0, LINKED_SHOWN).map(toLinked),
        linked_pattern: link ? { occasions_total: link.occasions_total, records_with_behaviour: link.records_with_behaviour } : null,
        result: stored,
      });
    }
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for (const o of out) counts['unchanged' in o ? 'unchanged' : o.status]++;
    await appendAudit(trx, { actor: actor.name, role: actor.role, action: 'records.ingest', details: { count: records.length, ...counts, ids } });
    return out;
  });

  // Repeats are answered from what is stored, read after the transaction so it stays short.
  const resolved: IngestOutcome[] = [];
  for (const o of outcomes) resolved.push('unchanged' in o ? await unchangedOutcome(deps, o.id) : o);
  return resolved;
}

function toLinked(m: CaseMember): LinkedRecord {
  return { id: m.record_id, version: m.version, occasions_min: m.occasions_min, has_behaviour: m.has_behaviour, flags: m.flags };
}

/**
 * A new record can complete a pattern for the records already in the case (DOMAIN §2: re-screen
 * linked records). Each earlier record that alone shows fewer than two occasions but now belongs to a
 * history that shows a course of conduct gains LINKED_PATTERN: a new 'link' screening (same result,
 * flags recomputed; the text has not changed, so the screener is not re-run) and a queue item.
 * A decided item is not reopened: the new record carries its own item that shows the history.
 */
async function relinkMembers(
  trx: Store['db'],
  deps: IngestDeps,
  members: CaseMember[],
  newcomer: { occasions: number; hasBehaviour: boolean },
  newcomerId: string,
): Promise<void> {
  for (const m of members) {
    if (m.flags.includes('LINKED_PATTERN') || m.occasions_min >= 2) continue;
    const others = [newcomer, ...members.filter((o) => o !== m).map((o) => ({ occasions: o.occasions_min, hasBehaviour: o.has_behaviour }))];
    if (!assessLinkedPattern({ occasions: m.occasions_min, hasBehaviour: m.has_behaviour }, others).linked) continue;
    const prev = (await trx.selectFrom('screenings').selectAll().where('id', '=', m.screening_id).executeTakeFirstOrThrow()) as ScreeningRow;
    const flags = [...withoutLinked(prev.flags), 'LINKED_PATTERN'];
    const linkedIds = [newcomerId, ...members.filter((o) => o !== m).map((o) => o.record_id)];
    const screeningId = await insertScreening(trx, {
      recordId: m.record_id,
      version: m.version,
      trigger: 'link',
      result: { ...prev.result, flags },
      flags,
      stalkingScore: prev.stalking_score,
      s4aScore: prev.s4a_score,
      riskLevel: prev.risk_level,
      occasionsMin: prev.occasions_min,
      hasBehaviour: prev.has_behaviour,
      linkedRecordIds: linkedIds,
      versions: prev.versions,
    });
    await upsertItem(
      trx,
      {
        recordId: m.record_id,
        version: m.version,
        screeningId,
        flags,
        riskLevel: prev.risk_level,
        linked: true,
        priority: basePriority({ riskLevel: prev.risk_level, flags, stalkingScore: prev.stalking_score, s4aScore: prev.s4a_score }),
        reopen: false,
      },
      deps.config.reviewDueHours,
    );
    m.flags = flags;
  }
}

async function unchangedOutcome(deps: IngestDeps, id: string): Promise<IngestOutcome> {
  const db = deps.store.db;
  const screening = await db.selectFrom('screenings').selectAll().where('record_id', '=', id).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  const item = await db.selectFrom('queue_items').select('id').where('record_id', '=', id).executeTakeFirst();
  const rec = await db.selectFrom('records').select(['victim_ref', 'suspect_ref']).where('id', '=', id).executeTakeFirstOrThrow();
  const members = rec.victim_ref && rec.suspect_ref ? await caseMembers(db, rec.victim_ref, rec.suspect_ref, id) : [];
  const link =
    rec.victim_ref && rec.suspect_ref
      ? assessLinkedPattern(
          { occasions: screening.occasions_min, hasBehaviour: screening.has_behaviour },
          members.map((m) => ({ occasions: m.occasions_min, hasBehaviour: m.has_behaviour })),
        )
      : null;
  return {
    id,
    version: screening.version,
    status: 'unchanged',
    flags: screening.flags,
    queue_item_id: item?.id ?? null,
    linked_records: members.slice(0, LINKED_SHOWN).map(toLinked),
    linked_pattern: link ? { occasions_total: link.occasions_total, records_with_behaviour: link.records_with_behaviour } : null,
    result: screening.result as unknown as ScreeningResult,
  };
}
