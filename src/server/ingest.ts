// Ingest: store each record as a new version (or recognise a repeat), screen it, link it to the
// case history and queue it when flagged, all in one transaction per request (which requests
// arriving together may share: group-commit.ts).
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { Config } from '../config.ts';
import type { RecordInput } from '../screening/record.ts';
import type { Screener } from '../screening/types.ts';
import type { ScreeningRecord, ScreeningResult } from '../screening/types.ts';
import type { Store } from '../store/database.ts';
import { readIngestState, writeIngest, type IngestState, type IngestWrite, type ItemWrite, type ScreeningWrite, type VersionWrite } from '../store/ingest.ts';
import { assessLinkedPattern, caseKey, caseMembers, hasBehaviourIndicator, MAX_CASE_MEMBERS, type CaseMember } from '../store/links.ts';
import { basePriority } from '../store/queue.ts';
import { contentHash, currentVersions, lockNames } from '../store/records.ts';
import { GroupCommit } from './group-commit.ts';
import { MAX_BATCH } from './schemas.ts';

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
  log: Logger;
  writer: IngestWriter;
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

/** One request's records on their way into a shared transaction (group-commit.ts). */
export interface IngestJob {
  records: RecordInput[];
  hashes: string[];
  /** Each record's screening, or undefined where its payload was already stored when last asked. */
  screened: (ScreeningResult | undefined)[];
  actor: { name: string; role: string };
  /** The request's own screener and log, for a record that must be screened inside the transaction. */
  screener: Screener;
  log: Logger;
}

/** A request with more records than this goes in the bulk lane. */
const BULK_RECORDS = 50;

/**
 * The app's one ingest writer. Requests that arrive while a transaction runs share the next one
 * (group-commit.ts), one transaction at a time in each of two lanes: under bench:api's load one at
 * a time cost PostgreSQL a sixth less CPU per ingest than two (bigger shared transactions) and gave
 * a lower p99 (README, Speed). Requests of more than BULK_RECORDS records have the second lane, so
 * a bulk load of 1,000-record batches never holds a control room's single record behind it. The
 * two lanes' transactions meet only in the advisory locks, taken in one order (records.ts).
 */
export class IngestWriter {
  readonly #interactive: GroupCommit<IngestJob, PlannedOutcome[]>;
  readonly #bulk: GroupCommit<IngestJob, PlannedOutcome[]>;

  constructor(store: Store, config: Pick<Config, 'reviewDueHours'>, onCommit?: (requests: number) => void) {
    const lane = () =>
      new GroupCommit<IngestJob, PlannedOutcome[]>((jobs) => commitIngest(store, jobs, config.reviewDueHours), {
        concurrency: 1,
        maxSize: MAX_BATCH,
        size: (job) => job.records.length,
        ...(onCommit ? { onCommit } : {}),
      });
    this.#interactive = lane();
    this.#bulk = lane();
  }

  submit(job: IngestJob): Promise<PlannedOutcome[]> {
    return (job.records.length > BULK_RECORDS ? this.#bulk : this.#interactive).submit(job);
  }
}

export async function ingestRecords(deps: IngestDeps, records: RecordInput[], actor: { name: string; role: string }): Promise<IngestOutcome[]> {
  const { store, screener, log } = deps;
  const hashes = records.map((r) => contentHash(r));
  const ids = [...new Set(records.map((r) => r.id))];

  // Screening is the slow part, so it happens before the transaction. A batch first asks which
  // payloads are stored already, so a retried batch is not screened again; a single record is
  // screened without asking, as the question costs about as much as the screening it might save.
  // (If a concurrent request changes a record in between, the transaction notices and screens
  // inside instead.)
  const before = records.length > 1 ? await currentVersions(store.db, ids) : new Map<string, { content_hash: string }>();
  const screened: (ScreeningResult | undefined)[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    screened[i] = before.get(r.id)?.content_hash === hashes[i] ? undefined : await screenSafely(screener, r, log);
  }

  const outcomes = await deps.writer.submit({ records, hashes, screened, actor, screener, log });

  // Repeats are answered from what is stored, read after the transaction so it stays short.
  const resolved: IngestOutcome[] = [];
  for (const o of outcomes) resolved.push('unchanged' in o ? await unchangedOutcome(deps, o.id) : o);
  return resolved;
}

/**
 * One transaction for the records of several requests, in arrival order, as if each request had
 * run alone one after the other: a later request sees what an earlier one stored. Each request
 * keeps its own audit entry and gets its own outcomes back.
 */
async function commitIngest(store: Store, jobs: IngestJob[], dueHours: number): Promise<PlannedOutcome[][]> {
  const records = jobs.flatMap((j) => j.records);
  const hashes = jobs.flatMap((j) => j.hashes);
  const owners = jobs.flatMap((j) => j.records.map(() => j));
  const ids = [...new Set(records.map((r) => r.id))];

  return store.transaction(async (trx) => {
    const screened = jobs.flatMap((j) => j.screened); // afresh on a retry: screenings added below are this attempt's
    // Serialise with any other transaction touching the same records or the same cases.
    const lockNamesList = new Set<string>();
    const cases = new Map<string, { victimRef: string; suspectRef: string }>();
    for (const r of records) {
      lockNamesList.add(`record:${r.id}`);
      const key = caseKey(r.victim_ref, r.suspect_ref);
      if (key) {
        lockNamesList.add(key);
        cases.set(key, { victimRef: r.victim_ref!, suspectRef: r.suspect_ref! });
      }
    }
    await lockNames(trx, lockNamesList, true);
    const state = await readIngestState(trx, ids, [...cases.values()]);
    for (let i = 0; i < records.length; i++) {
      if (!screened[i] && state.current.get(records[i]!.id)?.content_hash !== hashes[i]) screened[i] = await screenSafely(owners[i]!.screener, records[i]!, owners[i]!.log);
    }
    const plan = planIngest(records, hashes, screened, state, dueHours);
    // Back into requests: each gets its outcomes and its own audit entry.
    const perJob: PlannedOutcome[][] = [];
    let at = 0;
    for (const job of jobs) {
      perJob.push(plan.outcomes.slice(at, at + job.records.length));
      at += job.records.length;
    }
    const audit = jobs.map((job, j) => ({ actor: job.actor.name, role: job.actor.role, details: auditDetails(job.records, perJob[j]!) }));
    const items = await writeIngest(trx, { ...plan.write, audit });
    for (const o of plan.outcomes) if (!('unchanged' in o) && o.flags.length) o.queue_item_id = items.get(o.id) ?? null;
    return perJob;
  });
}

/** What the audit log keeps of one ingest request: how many records, what became of them, their ids. */
function auditDetails(records: RecordInput[], outcomes: PlannedOutcome[]): Record<string, unknown> {
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const o of outcomes) counts['unchanged' in o ? 'unchanged' : o.status]++;
  return { count: records.length, ...counts, ids: [...new Set(records.map((r) => r.id))] };
}

function toLinked(m: CaseMember): LinkedRecord {
  return { id: m.record_id, version: m.version, occasions_min: m.occasions_min, has_behaviour: m.has_behaviour, flags: m.flags };
}

/** A case member as the batch sees it: stored, or stored by this batch (its screening held here). */
type Member = CaseMember & { pending?: ScreeningWrite & { trigger: 'ingest' | 'link'; result: Record<string, unknown> } };

/** An outcome as the transaction knows it; a repeat is answered from what is stored afterwards. */
export type PlannedOutcome = IngestOutcome | { id: string; unchanged: true; version: number };

/**
 * Works out, in memory and in arrival order, everything the batch writes: each new version, its
 * screening and flags against the case history as it stands after the records before it, the
 * earlier case members it completes a pattern for, and the final queue state of every record.
 * Pure apart from the state it is given, so a batch does the same as the same records sent one by one.
 */
export function planIngest(
  records: RecordInput[],
  hashes: string[],
  screened: (ScreeningResult | undefined)[],
  state: IngestState,
  dueHours: number,
): { outcomes: PlannedOutcome[]; write: Omit<IngestWrite, 'audit'> } {
  const current = new Map(state.current);
  const histories = new Map<string, Member[]>([...state.histories].map(([k, v]) => [k, v.map((m) => ({ ...m }))]));
  const versions: VersionWrite[] = [];
  const screenings: ScreeningWrite[] = [];
  const items = new Map<string, ItemWrite>();
  const outcomes: PlannedOutcome[] = [];

  const queue = (item: ItemWrite) => {
    // Several screenings of one record in a batch leave one item: the last, reopened if any asked.
    const prev = items.get(item.record_id);
    items.set(item.record_id, { ...item, reopen: item.reopen || !!prev?.reopen });
  };

  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const hash = hashes[i]!;
    const cur = current.get(r.id);
    if (cur && cur.content_hash === hash) {
      outcomes.push({ id: r.id, unchanged: true, version: cur.current_version });
      continue;
    }
    const version = (cur?.current_version ?? 0) + 1;
    const victimRef = r.victim_ref ?? null;
    const suspectRef = r.suspect_ref ?? null;
    versions.push({ record_id: r.id, version, content_hash: hash, payload: r, victim_ref: victimRef, suspect_ref: suspectRef });
    current.set(r.id, { id: r.id, current_version: version, content_hash: hash, victim_ref: victimRef, suspect_ref: suspectRef });

    const result = screened[i]!;
    const occasions = result.course_of_conduct?.occasions_min ?? 0;
    const hasBehaviour = hasBehaviourIndicator(result);

    // This record leaves whatever case its earlier version was in; it joins its own below.
    for (const list of histories.values()) {
      const at = list.findIndex((m) => m.record_id === r.id);
      if (at >= 0) list.splice(at, 1);
    }
    const key = caseKey(victimRef, suspectRef);
    const history = key ? (histories.get(key) ?? []) : [];
    const members = history.slice(0, MAX_CASE_MEMBERS);
    const link = key ? assessLinkedPattern({ occasions, hasBehaviour }, members.map((m) => ({ occasions: m.occasions_min, hasBehaviour: m.has_behaviour }))) : null;

    const flags = [...withoutLinked(result.flags), ...(link?.linked ? ['LINKED_PATTERN'] : [])];
    const stored: ScreeningResult = { ...result, flags: flags as ScreeningResult['flags'] };
    const screening = {
      record_id: r.id,
      version,
      trigger: 'ingest' as const,
      result: stored as unknown as Record<string, unknown>,
      flags,
      stalking_score: result.stalking_score,
      s4a_score: result.s4a_score,
      risk_level: result.risk_level,
      occasions_min: occasions,
      has_behaviour: hasBehaviour,
      linked_record_ids: members.map((m) => m.record_id),
      versions: result.versions,
    };
    screenings.push(screening);
    const priority = basePriority({ riskLevel: result.risk_level, flags, stalkingScore: result.stalking_score, s4aScore: result.s4a_score, priorityBand: result.stalking_priority });
    if (flags.length) queue({ record_id: r.id, version, trigger: 'ingest', flags, risk_level: result.risk_level, linked: !!link?.linked, priority, reopen: true });
    if (link && members.length) relinkMembers(members, { occasions, hasBehaviour }, r.id, screenings, queue);

    outcomes.push({
      id: r.id,
      version,
      status: cur ? 'updated' : 'created',
      flags,
      queue_item_id: null, // filled in from the write
      linked_records: members.slice(0, LINKED_SHOWN).map(toLinked),
      linked_pattern: link ? { occasions_total: link.occasions_total, records_with_behaviour: link.records_with_behaviour } : null,
      result: stored,
    });
    if (key) {
      history.unshift({
        record_id: r.id,
        version,
        screening_id: 0,
        occasions_min: occasions,
        has_behaviour: hasBehaviour,
        flags,
        risk_level: result.risk_level,
        stalking_score: result.stalking_score,
        s4a_score: result.s4a_score,
        pending: screening,
      });
      histories.set(key, history);
    }
  }

  return { outcomes, write: { versions, screenings, items: [...items.values()], dueHours } };
}

/**
 * A new record can complete a pattern for the records already in the case (DOMAIN §2: re-screen
 * linked records). Each earlier record that alone shows fewer than two occasions but now belongs to a
 * history that shows a course of conduct gains LINKED_PATTERN: a new 'link' screening (same result,
 * flags recomputed; the text has not changed, so the screener is not re-run) and a queue item.
 * A decided item is not reopened: the new record carries its own item that shows the history.
 */
function relinkMembers(
  members: Member[],
  newcomer: { occasions: number; hasBehaviour: boolean },
  newcomerId: string,
  screenings: ScreeningWrite[],
  queue: (item: ItemWrite) => void,
): void {
  for (const m of members) {
    if (m.flags.includes('LINKED_PATTERN') || m.occasions_min >= 2) continue;
    const others = [newcomer, ...members.filter((o) => o !== m).map((o) => ({ occasions: o.occasions_min, hasBehaviour: o.has_behaviour }))];
    if (!assessLinkedPattern({ occasions: m.occasions_min, hasBehaviour: m.has_behaviour }, others).linked) continue;
    const flags = [...withoutLinked(m.flags), 'LINKED_PATTERN'];
    const linked_record_ids = [newcomerId, ...members.filter((o) => o !== m).map((o) => o.record_id)];
    const base = { record_id: m.record_id, version: m.version, trigger: 'link' as const, flags, linked_record_ids };
    // A record stored by this same batch has no row to copy yet: its screening is still in hand.
    const screening: ScreeningWrite = m.pending
      ? { ...m.pending, ...base, result: { ...m.pending.result, flags } }
      : { ...base, copy_from: m.screening_id };
    screenings.push(screening);
    queue({
      record_id: m.record_id,
      version: m.version,
      trigger: 'link',
      flags,
      risk_level: m.risk_level,
      linked: true,
      priority: basePriority({ riskLevel: m.risk_level, flags, stalkingScore: m.stalking_score, s4aScore: m.s4a_score }),
      reopen: false,
    });
    m.flags = flags; // LINKED_PATTERN now: this member is not relinked again
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
