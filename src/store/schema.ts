// The one typed description of the database. Migrations in ./migrations are the only way it changes.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb columns: written as a JSON string, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

export const ROLES = ['ingest', 'reviewer', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const DECISIONS = ['stalking_s2a', 'stalking_s4a', 'not_stalking', 'needs_more_information'] as const;
export type DecisionValue = (typeof DECISIONS)[number];

export type QueueStatus = 'open' | 'claimed' | 'decided';

export interface RecordsTable {
  id: string;
  current_version: number;
  victim_ref: string | null;
  suspect_ref: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface RecordVersionsTable {
  record_id: string;
  version: number;
  /** sha-256 of the canonical JSON of the payload: equal hash = same payload = no-op. */
  content_hash: string;
  /** The record exactly as received, unknown fields included. */
  payload: Json<Record<string, unknown>>;
  received_at: Generated<Date>;
}

export interface ScreeningsTable {
  id: Generated<number>;
  record_id: string;
  version: number;
  /** 'ingest' (screened on arrival), 'link' (flags recomputed because a linked record arrived) or 'rescreen' (src/jobs). */
  trigger: 'ingest' | 'link' | 'rescreen';
  result: Json<Record<string, unknown>>;
  flags: Json<string[]>;
  stalking_score: number;
  s4a_score: number;
  risk_level: string;
  occasions_min: number;
  has_behaviour: boolean;
  linked_record_ids: Json<string[]>;
  versions: Json<Record<string, string>>;
  screened_at: Generated<Date>;
}

export interface QueueItemsTable {
  id: Generated<number>;
  record_id: string;
  record_version: number;
  screening_id: number;
  status: QueueStatus;
  flags: Json<string[]>;
  risk_level: string;
  linked: boolean;
  /** Base priority (risk, flags, scores); age is added when the queue is read. */
  priority: number;
  due_at: Timestamp;
  /** When the item (last) entered the queue: first flag, or reopened by a new version. */
  queued_at: Timestamp;
  updated_at: Timestamp;
  claimed_by: string | null;
  lock_expires_at: Date | string | null;
}

export interface DecisionsTable {
  id: Generated<number>;
  item_id: number;
  record_id: string;
  record_version: number;
  decision: DecisionValue;
  reason: string;
  recommended_classification: string | null;
  decided_by: string;
  decided_at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<Date>;
  actor: string;
  role: string | null;
  action: string;
  target: string | null;
  justification: string | null;
  details: Json<Record<string, unknown>>;
}

export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  role: Role;
  key_hash: string;
  created_at: Generated<Date>;
  revoked_at: Date | string | null;
}

/** A back-catalogue re-screen (src/jobs/rescreen.ts). */
export interface RescreenRunsTable {
  id: Generated<number>;
  created_at: Generated<Date>;
  created_by: string;
  filters: Json<Record<string, unknown>>;
  /** The filters and screener versions as one string: the same command finds its unfinished run. */
  filter_key: string;
  versions: Json<Record<string, string>>;
  batch_size: number;
  job_timeout_seconds: number;
  records: number;
  batches: number;
  finished_at: Date | string | null;
}

/** One job's worth of a run: its record ids and, once done (in the same transaction as its screenings), what it found. */
export interface RescreenBatchesTable {
  run_id: number;
  batch_no: number;
  record_ids: string[];
  job_id: string | null;
  worker: string | null;
  started_at: Date | string | null;
  attempts: Generated<number>;
  done_at: Date | string | null;
  screened: Generated<number>;
  skipped: Generated<number>;
  flags: ColumnType<Record<string, number>, string | undefined, string>;
  queue_items_created: Generated<number>;
  changes: ColumnType<unknown[], string | undefined, string>;
}

export interface Database {
  records: RecordsTable;
  record_versions: RecordVersionsTable;
  screenings: ScreeningsTable;
  queue_items: QueueItemsTable;
  decisions: DecisionsTable;
  audit_log: AuditLogTable;
  api_keys: ApiKeysTable;
  rescreen_runs: RescreenRunsTable;
  rescreen_batches: RescreenBatchesTable;
}

export type ScreeningRow = Selectable<ScreeningsTable>;
export type QueueItemRow = Selectable<QueueItemsTable>;
export type DecisionRow = Selectable<DecisionsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type NewAuditRow = Insertable<AuditLogTable>;
