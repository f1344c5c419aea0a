// The append-only audit log: who did what to which record, when, and why. Ids and counts only,
// never record text (the log outlives purged records and is read by supervisors).
import { type Kysely, sql } from 'kysely';
import type { AuditRow, Database } from './schema.ts';

type Db = Kysely<Database>;

export type AuditAction =
  | 'record.read'
  | 'records.ingest'
  | 'queue.claim'
  | 'queue.release'
  | 'queue.decision'
  | 'export.decisions'
  | 'audit.read'
  | 'purge'
  | 'rescreen.run'
  | 'key.create'
  | 'key.list'
  | 'key.revoke';

export interface AuditEntry {
  actor: string;
  role?: string | null;
  action: AuditAction;
  target?: string | null;
  justification?: string | null;
  details?: Record<string, unknown>;
}

export async function appendAudit(db: Db, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: e.actor,
      role: e.role ?? null,
      action: e.action,
      target: e.target ?? null,
      justification: e.justification ?? null,
      details: JSON.stringify(e.details ?? {}),
    })
    .execute();
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
  since?: string | undefined;
  /** Page backwards: entries with id below this. */
  before?: number | undefined;
  limit: number;
}

/** Newest first. */
export async function listAudit(db: Db, f: AuditFilter): Promise<AuditRow[]> {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .$if(!!f.actor, (q) => q.where('actor', '=', f.actor!))
    .$if(!!f.action, (q) => q.where('action', '=', f.action!))
    .$if(!!f.target, (q) => q.where('target', '=', f.target!))
    .$if(!!f.since, (q) => q.where('at', '>=', sql<Date>`${f.since}::timestamptz`))
    .$if(f.before !== undefined, (q) => q.where('id', '<', f.before!))
    .orderBy('id', 'desc')
    .limit(f.limit)
    .execute();
}
