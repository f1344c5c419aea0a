// Retention: records untouched for longer than the retention period are deleted with everything
// derived from them (versions, screenings, queue items, decisions). The audit log keeps what was
// removed, as counts and ids, never text.
import { type Kysely, sql } from 'kysely';
import { appendAudit } from './audit.ts';
import type { Database } from './schema.ts';
import type { Store } from './database.ts';

type Db = Kysely<Database>;

export interface PurgeReport {
  cutoff: string;
  retention_days: number;
  dry_run: boolean;
  counts: { records: number; versions: number; screenings: number; queue_items: number; decisions: number };
  ids: string[];
}

async function countWhere(trx: Db, table: 'record_versions' | 'screenings' | 'queue_items' | 'decisions', ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  const row = await trx.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).where('record_id', 'in', ids).executeTakeFirstOrThrow();
  return row.n;
}

export async function purgeExpired(store: Store, opts: { retentionDays: number; actor: string; dryRun?: boolean }): Promise<PurgeReport> {
  return store.transaction(async (trx) => {
    const cutoffRow = await sql<{ cutoff: Date }>`select now() - make_interval(days => ${opts.retentionDays}) as cutoff`.execute(trx);
    const cutoff = cutoffRow.rows[0]!.cutoff;
    // updated_at moves on every new version and every decision, so "untouched" means no activity at all.
    const expired = await trx.selectFrom('records').select('id').where('updated_at', '<', cutoff).orderBy('id').forUpdate().execute();
    const ids = expired.map((r) => r.id);
    const counts = {
      records: ids.length,
      versions: await countWhere(trx, 'record_versions', ids),
      screenings: await countWhere(trx, 'screenings', ids),
      queue_items: await countWhere(trx, 'queue_items', ids),
      decisions: await countWhere(trx, 'decisions', ids),
    };
    const report: PurgeReport = { cutoff: new Date(cutoff).toISOString(), retention_days: opts.retentionDays, dry_run: !!opts.dryRun, counts, ids };
    if (!opts.dryRun) {
      // Children go by ON DELETE CASCADE; chunked so a large purge stays within parameter limits.
      for (let i = 0; i < ids.length; i += 1000) {
        await trx.deleteFrom('records').where('id', 'in', ids.slice(i, i + 1000)).execute();
      }
      await appendAudit(trx, { actor: opts.actor, role: 'admin', action: 'purge', details: { ...report } });
    }
    return report;
  });
}
