// Re-screen benchmark: a generated back catalogue (default 100,000 records) re-screened by
// `stalking-screener rescreen` with two worker processes on PostgreSQL, then checked: one re-screen
// per record, no duplicates, work split across the workers, every job completed; then the same
// command again (must screen nothing). Prints a markdown summary and a JSON line.
//   node --import tsx src/jobs/bench.ts [--records N] [--workers N] [--batch-size N] [--keep]
// Uses a new database on BENCH_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres),
// dropped at the end unless --keep.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { openStore } from '../store/database.ts';
import { jobStates, openBoss, rescreenQueue } from './boss.ts';
import { duplicateRescreens, seedBackCatalogue } from './seed.ts';

const { values } = parseArgs({
  options: { records: { type: 'string', default: '100000' }, workers: { type: 'string', default: '2' }, 'batch-size': { type: 'string', default: '250' }, keep: { type: 'boolean', default: false } },
});
const N = Number(values.records);
const WORKERS = Number(values.workers);
const BATCH = Number(values['batch-size']);
const ADMIN = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MAIN = join(import.meta.dirname, '..', 'cli', 'main.ts');

const name = `rescreen_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: ADMIN });
await admin.connect();
await admin.query(`create database ${name}`);
await admin.end();
const url = new URL(ADMIN);
url.pathname = `/${name}`;
const databaseUrl = url.toString();

function rescreen(args: string[]): Promise<{ code: number | null; stdout: string; seconds: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'rescreen', ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('exit', (code) => resolve({ code, stdout, seconds: (Date.now() - t0) / 1000 }));
  });
}

const store = await openStore({ databaseUrl, dataDir: 'unused' });
try {
  const load0 = loadavg()[0]!.toFixed(1);
  const t0 = Date.now();
  let shown = 0;
  await seedBackCatalogue(store.db, {
    n: N,
    seed: 100_000,
    idPrefix: 'bench',
    days: 365,
    onProgress: (w) => {
      if (w - shown >= 10_000 || w === N) process.stderr.write(`seeded ${(shown = w)}/${N}\n`);
    },
  });
  const seedSeconds = (Date.now() - t0) / 1000;

  const first = await rescreen(['--workers', String(WORKERS), '--batch-size', String(BATCH), '--json']);
  if (first.code !== 0) throw new Error(`rescreen exited ${first.code}`);
  const summary = JSON.parse(first.stdout.trim().split('\n').at(-1)!);
  const load1 = loadavg()[0]!.toFixed(1);

  const perRecord = await sql<{ records: number; screenings: number; max_per_record: number }>`
    select count(distinct record_id)::int as records, count(*)::int as screenings,
           coalesce(max(n), 0)::int as max_per_record
    from (select record_id, count(*) as n from screenings where trigger = 'rescreen' group by record_id) s`.execute(store.db);
  const dupes = await duplicateRescreens(store.db);
  const byWorker = await store.db
    .selectFrom('rescreen_batches')
    .select(['worker', sql<number>`count(*)::int`.as('batches'), sql<number>`sum(cardinality(record_ids))::int`.as('records')])
    .where('run_id', '=', summary.run)
    .groupBy('worker')
    .orderBy('worker')
    .execute();
  const window = await sql<{ first: Date; last: Date }>`select min(started_at) as first, max(done_at) as last from rescreen_batches where run_id = ${summary.run}`.execute(store.db);
  const workSeconds = (+new Date(window.rows[0]!.last) - +new Date(window.rows[0]!.first)) / 1000;
  const boss = await openBoss(databaseUrl);
  const versions = (await store.db.selectFrom('rescreen_runs').select('versions').where('id', '=', summary.run).executeTakeFirstOrThrow()).versions;
  const states = await jobStates(boss, rescreenQueue(versions as never), summary.run);
  await boss.stop({ graceful: false, wait: true });

  const second = await rescreen(['--workers', String(WORKERS), '--batch-size', String(BATCH), '--json']);
  const again = JSON.parse(second.stdout.trim().split('\n').at(-1)!);
  const afterSecond = await duplicateRescreens(store.db);

  const cpu = cpus();
  const result = {
    date: new Date().toISOString(),
    machine: `${cpu[0]?.model ?? 'cpu'} x${cpu.length}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    load_average_before: Number(load0),
    load_average_after: Number(load1),
    records: N,
    workers: WORKERS,
    batch_size: BATCH,
    seed_seconds: Math.round(seedSeconds),
    command_seconds: Math.round(first.seconds * 10) / 10,
    work_seconds: Math.round(workSeconds * 10) / 10,
    records_per_second_command: Math.round((summary.screened / first.seconds) * 10) / 10,
    records_per_second_work: Math.round((summary.screened / workSeconds) * 10) / 10,
    screened: summary.screened,
    skipped: summary.skipped,
    attempts: summary.attempts,
    batches: summary.batches,
    flags: summary.flags,
    queue_items_created: summary.queue_items_created,
    rescreen_rows: perRecord.rows[0]!.screenings,
    distinct_records: perRecord.rows[0]!.records,
    max_rescreens_per_record: perRecord.rows[0]!.max_per_record,
    duplicate_keys: dupes,
    by_worker: byWorker,
    job_states: states,
    second_run: { screened: again.screened, skipped: again.skipped, seconds: Math.round(second.seconds * 10) / 10, duplicate_keys_after: afterSecond },
  };
  console.log(`\nRe-screen benchmark, ${result.date}, ${result.machine}, load average ${result.load_average_before} -> ${result.load_average_after}\n`);
  console.log('| records | workers | command s | worker s | records/s (command) | records/s (workers) | rescreen rows | distinct records | max per record | duplicate keys | job states |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${N} | ${WORKERS} | ${result.command_seconds} | ${result.work_seconds} | ${result.records_per_second_command} | ${result.records_per_second_work} | ${result.rescreen_rows} | ${result.distinct_records} | ${result.max_rescreens_per_record} | ${dupes} | ${JSON.stringify(states)} |`,
  );
  console.log(`\nby worker: ${byWorker.map((w) => `${w.worker}: ${w.batches} batches, ${w.records} records`).join('; ')}`);
  console.log(`second run of the same command: screened ${again.screened}, skipped ${again.skipped}, ${result.second_run.seconds} s`);
  console.log(`\n${JSON.stringify(result)}`);
} finally {
  await store.close();
  if (!values.keep) {
    const c = new pg.Client({ connectionString: ADMIN });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  } else process.stderr.write(`kept database ${name}\n`);
}
