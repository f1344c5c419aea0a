// `stalking-screener rescreen`: re-screen stored records with the current screener, on a PostgreSQL
// job queue shared by worker processes (src/jobs). Re-running the same command resumes an unfinished run.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { jobStates, openBoss, rescreenQueue } from '../jobs/boss.ts';
import {
  classificationIds,
  createOrResumeRun,
  dateBounds,
  DEFAULT_BATCH_SIZE,
  DEFAULT_JOB_TIMEOUT_SECONDS,
  finishIfDone,
  listRuns,
  queueJobs,
  runChanges,
  runProgress,
  runSummary,
  type RescreenFilters,
  type RunSummary,
  type Versions,
} from '../jobs/rescreen.ts';
import { runWorker } from '../jobs/worker.ts';
import { loadCatalogue } from '../rules/compile.ts';
import { createScreener } from '../screening/factory.ts';
import { createLogger } from '../server/logger.ts';
import { openStore, type Store } from '../store/database.ts';
import { parseOptions, UsageError } from './args.ts';
import { cliActor } from './keys.ts';

const USAGE = `usage:
  stalking-screener rescreen [--from DATE] [--to DATE] [--recorded-as CLASS] [--outdated]
                             [--workers N] [--batch-size N] [--job-timeout SECONDS] [--json]
      re-screen stored records (dates: when first received, YYYY-MM-DD or ISO 8601, UTC);
      the same command again resumes the run if it did not finish
  stalking-screener rescreen --resume RUN [--workers N]     continue an unfinished run
  stalking-screener rescreen --compare [--run RUN] [--limit N] [--json]
      records whose flags a run changed (default: the latest run)
  stalking-screener rescreen --list                          recent runs
  stalking-screener rescreen --work [--run RUN]              be a worker (stops when RUN is finished)

Needs DATABASE_URL (PostgreSQL): the job queue lives there.
Exit codes: 0 finished, 1 unfinished or failed (resume it), 2 bad usage or no PostgreSQL.
`;

const MAX_BATCH_SIZE = 1000;
/** How long the command waits for an unreachable database before it stops (the run can be resumed). */
const DATABASE_GIVE_UP_MS = 5 * 60_000;
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

function positiveInt(value: string | boolean | undefined, name: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`--${name} must be a whole number from 0 to ${max}`);
  return n;
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  let options: Record<string, string | boolean>;
  let workers: number;
  let batchSize: number;
  let jobTimeout: number;
  let runId: number | undefined;
  let limit: number | undefined;
  const filters: RescreenFilters = {};
  try {
    const parsed = parseOptions(args, {
      from: 'string',
      to: 'string',
      'recorded-as': 'string',
      outdated: 'boolean',
      workers: 'string',
      'batch-size': 'string',
      'job-timeout': 'string',
      json: 'boolean',
      resume: 'string',
      compare: 'boolean',
      run: 'string',
      limit: 'string',
      list: 'boolean',
      work: 'boolean',
    });
    options = parsed.options;
    if (parsed.positionals.length) throw new UsageError(`unexpected argument: ${parsed.positionals[0]}`);
    workers = positiveInt(options.workers, 'workers', 64) ?? Math.min(2, cpus().length);
    batchSize = positiveInt(options['batch-size'], 'batch-size', MAX_BATCH_SIZE) ?? DEFAULT_BATCH_SIZE;
    if (batchSize < 1) throw new UsageError('--batch-size must be at least 1');
    jobTimeout = positiveInt(options['job-timeout'], 'job-timeout', 12 * 3600) ?? DEFAULT_JOB_TIMEOUT_SECONDS;
    if (jobTimeout < 1) throw new UsageError('--job-timeout must be at least 1 second');
    runId = positiveInt(options.resume ?? options.run, options.resume !== undefined ? 'resume' : 'run', 2 ** 31 - 1);
    limit = positiveInt(options.limit, 'limit', 10_000_000);
    if (typeof options.from === 'string') filters.from = options.from;
    if (typeof options.to === 'string') filters.to = options.to;
    if (typeof options['recorded-as'] === 'string') filters.recordedAs = options['recorded-as'];
    if (options.outdated) filters.outdated = true;
    dateBounds(filters);
    const modes = ['resume', 'compare', 'list', 'work'].filter((m) => options[m] !== undefined);
    if (modes.length > 1) throw new UsageError(`choose one of --${modes.join(', --')}`);
    if (modes.length && (filters.from || filters.to || filters.recordedAs || filters.outdated)) throw new UsageError('filters only apply when starting a run');
  } catch (err) {
    if (err instanceof UsageError || err instanceof RangeError) {
      process.stderr.write(`${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }

  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    return 2;
  }
  if (!config.databaseUrl) {
    process.stderr.write(
      'rescreen needs PostgreSQL: set DATABASE_URL. The embedded PGlite database (DATA_DIR) serves one process and has no job queue, so re-screening cannot run on it.\n',
    );
    return 2;
  }
  const databaseUrl = config.databaseUrl;
  let store: Store;
  try {
    store = await openStore({ databaseUrl, dataDir: config.dataDir });
  } catch (err) {
    process.stderr.write(`could not open the database: ${(err as Error).message}\n`);
    return 1;
  }
  try {
    if (options.list) return await list(store);
    if (options.compare) return await compare(store, runId, limit, !!options.json);
    if (options.work) return await work(store, config, databaseUrl, runId);
    return await coordinate(store, config, databaseUrl, { filters, workers, batchSize, jobTimeout, resume: runId, json: !!options.json });
  } finally {
    await store.close();
  }
}

async function list(store: Store): Promise<number> {
  process.stdout.write('run\tcreated_at\trecords\tbatches_done\tfinished_at\tfilters\tversions\n');
  for (const r of await listRuns(store.db)) {
    const p = await runProgress(store.db, r.id);
    const fin = r.finished_at ? new Date(r.finished_at).toISOString() : '-';
    process.stdout.write(`${r.id}\t${new Date(r.created_at).toISOString()}\t${r.records}\t${p.batches_done}/${r.batches}\t${fin}\t${JSON.stringify(r.filters)}\t${JSON.stringify(r.versions)}\n`);
  }
  return 0;
}

async function compare(store: Store, runId: number | undefined, limit: number | undefined, json: boolean): Promise<number> {
  const id = runId ?? (await listRuns(store.db, 1))[0]?.id;
  if (id === undefined) {
    process.stderr.write('no rescreen runs yet\n');
    return 1;
  }
  const exists = await store.db.selectFrom('rescreen_runs').select('id').where('id', '=', id).executeTakeFirst();
  if (!exists) {
    process.stderr.write(`no rescreen run ${id}\n`);
    return 1;
  }
  const changes = await runChanges(store.db, id, limit);
  const fmt = (f: string[] | null) => (f === null ? '(not screened)' : f.length ? f.join(',') : '-');
  if (json) for (const c of changes) process.stdout.write(`${JSON.stringify({ run: id, ...c })}\n`);
  else {
    process.stdout.write('record_id\tversion\tflags_before\tflags_after\tadded\tremoved\tstalking_score\ts4a_score\n');
    for (const c of changes) {
      const before = c.before ?? [];
      const added = c.after.filter((f) => !before.includes(f));
      const removed = before.filter((f) => !c.after.includes(f));
      const score = ([a, b]: [number | null, number]) => `${a ?? '-'}->${b}`;
      process.stdout.write(
        `${c.id}\t${c.version}\t${fmt(c.before)}\t${fmt(c.after)}\t${added.join(',') || '-'}\t${removed.join(',') || '-'}\t${score(c.stalking_score)}\t${score(c.s4a_score)}\n`,
      );
    }
  }
  const summary = await runSummary(store.db, id);
  process.stderr.write(`run ${id}: ${changes.length} of ${summary.screened} re-screened records changed flags${summary.finished_at ? '' : ' (run unfinished)'}\n`);
  return 0;
}

async function work(store: Store, config: Config, databaseUrl: string, runId: number | undefined): Promise<number> {
  const log = createLogger(config.logLevel);
  const screener = await createScreener({ mode: config.screenerMode });
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await runWorker({ databaseUrl, store, screener, reviewDueHours: config.reviewDueHours, log, run: runId, signal: abort.signal });
    return 0;
  } finally {
    await screener.close();
  }
}

interface CoordinateOptions {
  filters: RescreenFilters;
  workers: number;
  batchSize: number;
  jobTimeout: number;
  resume: number | undefined;
  json: boolean;
}

async function coordinate(store: Store, config: Config, databaseUrl: string, o: CoordinateOptions): Promise<number> {
  const screener = await createScreener({ mode: config.screenerMode });
  const versions: Versions = { ...screener.versions };
  await screener.close();
  let info;
  if (o.resume !== undefined) {
    const r = await store.db.selectFrom('rescreen_runs').selectAll().where('id', '=', o.resume).executeTakeFirst();
    if (!r) {
      process.stderr.write(`no rescreen run ${o.resume}\n`);
      return 1;
    }
    info = { id: r.id, records: r.records, batches: r.batches, resumed: true, versions: r.versions as Versions, jobTimeoutSeconds: r.job_timeout_seconds };
    if (rescreenQueue(info.versions) !== rescreenQueue(versions)) {
      process.stderr.write(`run ${r.id} was made for screener versions ${JSON.stringify(r.versions)}; this release has ${JSON.stringify(versions)}. Start a new run instead.\n`);
      return 1;
    }
  } else {
    const catalogue = o.filters.recordedAs ? loadCatalogue() : undefined;
    if (catalogue && !classificationIds(catalogue).includes(o.filters.recordedAs!)) {
      process.stderr.write(`--recorded-as must be one of: ${classificationIds(catalogue).join(', ')}\n`);
      return 2;
    }
    info = await createOrResumeRun(store, {
      filters: o.filters,
      versions,
      batchSize: o.batchSize,
      jobTimeoutSeconds: o.jobTimeout,
      actor: cliActor(),
      ...(catalogue ? { catalogue } : {}),
    });
  }
  const started = Date.now();
  const boss = await openBoss(databaseUrl);
  let children: ChildProcess[] = [];
  try {
    const queued = await queueJobs(store, boss, info.id);
    process.stderr.write(
      `rescreen run ${info.id}${info.resumed ? ' (resumed)' : ''}: ${info.records} records in ${info.batches} batches; ${queued} jobs queued; ${o.workers} worker process(es)\n`,
    );
    const before = await runProgress(store.db, info.id);
    if (!before.finished && o.workers === 0) {
      process.stderr.write(`no workers started here: run \`stalking-screener rescreen --work --run ${info.id}\` on any machine with DATABASE_URL\n`);
      return 0;
    }
    children = before.finished ? [] : Array.from({ length: o.workers }, () => spawnWorker(info.id));
    const finished = await watch(store, info.id, children, before);
    if (!finished) {
      const states = await jobStates(boss, rescreenQueue(info.versions), info.id).catch(() => 'unknown');
      process.stderr.write(`rescreen run ${info.id} is unfinished (jobs by state: ${JSON.stringify(states)}); continue it with: stalking-screener rescreen --resume ${info.id}\n`);
      return 1;
    }
    await finishIfDone(store.db, info.id);
    const summary = await runSummary(store.db, info.id);
    printSummary(summary, (Date.now() - started) / 1000, o.json);
    return 0;
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
  }
}

function spawnWorker(run: number): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'rescreen', '--work', '--run', String(run)], {
    env: process.env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // The test harness and operators find workers by this line on standard error.
  process.stderr.write(`worker pid ${child.pid}\n`);
  return child;
}

/** Shows progress until the run is finished (true) or every worker has exited without finishing it (false). */
async function watch(store: Store, run: number, children: ChildProcess[], first: Awaited<ReturnType<typeof runProgress>>): Promise<boolean> {
  if (first.finished) return true;
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: 'rescreen [{bar}] {percentage}% | {value}/{total} records | {rate} records/s | ETA {eta_formatted}', stream: process.stderr }, cliProgress.Presets.shades_classic)
    : undefined;
  bar?.start(first.records, first.records_done, { rate: 0 });
  const t0 = Date.now();
  const done0 = first.records_done;
  let lastLine = 0;
  const exited = () => children.every((c) => c.exitCode !== null || c.signalCode !== null);
  let unreachableSince: number | undefined;
  try {
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      let p;
      try {
        p = await runProgress(store.db, run);
        unreachableSince = undefined;
      } catch {
        // The database is unreachable: wait for it, unless the workers are gone or it stays away.
        unreachableSince ??= Date.now();
        if (exited() || Date.now() - unreachableSince > DATABASE_GIVE_UP_MS) {
          process.stderr.write('the database is unreachable\n');
          return false;
        }
        continue;
      }
      const rate = Math.round(((p.records_done - done0) / Math.max(0.001, (Date.now() - t0) / 1000)) * 10) / 10;
      bar?.update(p.records_done, { rate });
      // Without a terminal, one progress line every 10 s (CI logs, nohup).
      if (!bar && Date.now() - lastLine > 10_000) {
        lastLine = Date.now();
        process.stderr.write(`progress ${p.records_done}/${p.records} records, ${p.batches_done}/${p.batches} batches, ${rate} records/s\n`);
      }
      if (p.finished) return true;
      if (exited()) {
        // A last look: the final batch may have committed as the last worker exited.
        return (await runProgress(store.db, run)).finished;
      }
    }
  } finally {
    bar?.stop();
  }
}

function printSummary(s: RunSummary, wallSeconds: number, json: boolean) {
  const rate = Math.round((s.screened / Math.max(wallSeconds, 0.001)) * 10) / 10;
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...s, wall_seconds: Math.round(wallSeconds * 10) / 10, records_per_second: rate })}\n`);
    return;
  }
  const flags = Object.entries(s.flags).sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f} ${n}`).join(', ') || 'none';
  process.stdout.write(
    [
      `rescreen run ${s.run} finished: ${s.records} records in ${s.batches} batches`,
      `  screened ${s.screened}, skipped ${s.skipped} (already re-screened by these versions, purged, or updated meanwhile)`,
      `  flags raised: ${flags}`,
      `  records whose flags changed: ${s.records_flagged_changed} (stalking-screener rescreen --compare --run ${s.run})`,
      `  queue items created: ${s.queue_items_created}`,
      `  this command: ${Math.round(wallSeconds * 10) / 10} s, ${rate} records/s; job attempts ${s.attempts} for ${s.batches} batches`,
      `  versions: rules=${s.versions.rules} model=${s.versions.model} scorer=${s.versions.scorer}`,
      '',
    ].join('\n'),
  );
}
