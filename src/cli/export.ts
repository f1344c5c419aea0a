// `stalking-screener export [--out FILE|-] [--since DATE]`: reviewer decisions as labelled JSONL in
// the dataset format (datasets/schema.ts), the same as GET /v1/export/decisions; audited.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { appendAudit } from '../store/audit.ts';
import { openConfiguredStore } from './open-store.ts';
import { exportDecisions } from '../store/export.ts';
import { cliActor } from './keys.ts';

const USAGE = 'usage: stalking-screener export [--out FILE|-] [--since DATE]\n';

export async function run(args: string[]): Promise<number> {
  let values: { out?: string; since?: string };
  try {
    ({ values } = parseArgs({ args, options: { out: { type: 'string' }, since: { type: 'string' } }, strict: true }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.since && Number.isNaN(Date.parse(values.since))) {
    process.stderr.write(`--since must be an ISO 8601 date or date-time\n${USAGE}`);
    return 2;
  }
  const opened = await openConfiguredStore();
  if (!opened) return 1;
  const { store } = opened;
  try {
    const exported = await exportDecisions(store.db, { since: values.since });
    await appendAudit(store.db, {
      actor: cliActor(),
      action: 'export.decisions',
      details: { since: values.since ?? null, count: exported.lines.length, skipped: exported.skipped, ids: exported.recordIds, out: values.out ?? '-' },
    });
    const body = exported.lines.map((l) => `${JSON.stringify(l)}\n`).join('');
    if (!values.out || values.out === '-') process.stdout.write(body);
    else writeFileSync(values.out, body);
    process.stderr.write(`exported ${exported.lines.length} labelled decisions (${exported.skipped} needing more information left out)\n`);
    return 0;
  } finally {
    await store.close();
  }
}
