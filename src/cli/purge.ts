// `stalking-screener purge [--dry-run]`: deletes records untouched for RETENTION_DAYS, with their
// versions, screenings, queue items and decisions; the audit log records counts and ids, not text.
import { parseArgs } from 'node:util';
import { openConfiguredStore } from './open-store.ts';
import { purgeExpired } from '../store/purge.ts';
import { cliActor } from './keys.ts';

export async function run(args: string[]): Promise<number> {
  let dryRun: boolean;
  try {
    dryRun = !!parseArgs({ args, options: { 'dry-run': { type: 'boolean' } }, strict: true }).values['dry-run'];
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: stalking-screener purge [--dry-run]\n`);
    return 2;
  }
  const opened = await openConfiguredStore();
  if (!opened) return 1;
  const { config, store } = opened;
  try {
    const report = await purgeExpired(store, { retentionDays: config.retentionDays, actor: cliActor(), dryRun });
    const { ids, ...summary } = report;
    process.stdout.write(`${JSON.stringify({ ...summary, ids_count: ids.length })}\n`);
    process.stderr.write(
      `${dryRun ? 'would remove' : 'removed'} ${report.counts.records} records last touched before ${report.cutoff} (RETENTION_DAYS=${config.retentionDays})${dryRun ? '' : '; ids recorded in the audit log'}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
