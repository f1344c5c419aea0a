// The job queue: pg-boss on the service's own PostgreSQL database (its tables live in the "pgboss"
// schema). Jobs are rows claimed with SKIP LOCKED, so any number of worker processes on any number of
// machines can share one queue; an active job whose worker died expires and is retried.
import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';

/**
 * One queue per set of screener versions: a worker only ever takes jobs it can do the way the run
 * was defined, so workers of an older and a newer release can share the database.
 */
export function rescreenQueue(versions: { rules: string; model: string; scorer: string }): string {
  const digest = createHash('sha256').update(`${versions.rules}\u0000${versions.model}\u0000${versions.scorer}`).digest('hex').slice(0, 16);
  return `rescreen-${digest}`;
}

/** What one re-screen job carries: the run and the batch; the record ids are in rescreen_batches. */
export interface RescreenJob {
  run: number;
  batch: number;
}

export interface BossOptions {
  /**
   * Expire active jobs and retry them (pg-boss "maintenance"). Workers do it, so a job whose worker
   * was killed is picked up by another; every this many seconds at most, across all processes.
   */
  superviseEverySeconds?: number;
}

export async function openBoss(databaseUrl: string, options: BossOptions = {}): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: 'pgboss',
    max: 3,
    application_name: 'stalking-screener-jobs',
    schedule: false,
    supervise: options.superviseEverySeconds !== undefined,
    ...(options.superviseEverySeconds !== undefined ? { maintenanceIntervalSeconds: Math.max(1, Math.round(options.superviseEverySeconds)) } : {}),
  });
  // pg-boss reports background errors (a lost connection during maintenance) as events; without a
  // listener Node would treat them as uncaught. The next poll retries.
  boss.on('error', () => {});
  await boss.start();
  return boss;
}

export async function ensureQueue(boss: PgBoss, name: string): Promise<void> {
  if (!(await boss.getQueue(name))) await boss.createQueue(name, { name, policy: 'standard' });
}

/** Job counts by pg-boss state for one run (from pg-boss's own table). */
export async function jobStates(boss: PgBoss, queue: string, run: number): Promise<Record<string, number>> {
  const { rows } = await boss
    .getDb()
    .executeSql(`select state::text, count(*)::int as n from pgboss.job where name = $1 and (data->>'run')::int = $2 group by state`, [queue, run]);
  return Object.fromEntries((rows as { state: string; n: number }[]).map((r) => [r.state, r.n]));
}
