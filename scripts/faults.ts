// Fault drills against real processes, with figures for docs/operations.md:
//   1. PostgreSQL crashes (pg_ctl -m immediate) in the middle of a load run, then comes back: what the
//      write paths answered while it was down (503 + Retry-After, never 500), whether any partial
//      record was left, and how long until the same server process served again.
//   2. The model directory missing or corrupt: what /readyz says, in hybrid and in rules mode.
//   3. A re-screen worker killed mid-job: the job resumes on the other worker, nothing duplicated.
// Uses a private PostgreSQL (initdb in a temp folder, its own port) for 1, never the shared server;
// 3 uses a new database on the shared server, dropped afterwards.
//   node --import tsx scripts/faults.ts [--seconds 40] [--rate 100] [--records 3000]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { duplicateRescreens, seedBackCatalogue } from '../src/jobs/seed.ts';
import { openStore } from '../src/store/database.ts';
import { startPrivatePostgres } from '../test/faults/private-postgres.ts';
import { machine, narratives, startServer } from './load.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '40' }, rate: { type: 'string', default: '100' }, records: { type: 'string', default: '3000' } } });
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const RECORDS = Number(values.records);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

console.log(`Fault drills: ${new Date().toISOString()}; ${machine()}; 1-min load average ${loadavg()[0]!.toFixed(1)}\n`);

// ---- 1. PostgreSQL down during load ---------------------------------------------------------------
{
  const pgp = await startPrivatePostgres();
  const server = await startServer({ pglite: false, databaseUrl: pgp.url });
  const texts = narratives();
  const outcomes: { t: number; status: number; retryAfter: string | null; code: string | null; id: string; ms: number }[] = [];
  const t0 = Date.now();
  const stopAt = Math.round(SECONDS * 0.25) * 1000;
  const startAt = Math.round(SECONDS * 0.5) * 1000;
  let restartedAt = 0;
  const timeline = (async () => {
    await sleep(stopAt);
    pgp.stop('immediate');
    await sleep(startAt - stopAt);
    pgp.start();
    restartedAt = Date.now() - t0;
  })();
  // Open-loop: one ingest every 1/RATE s, whatever the answers, each with its own id.
  let n = 0;
  const inflight: Promise<void>[] = [];
  while (Date.now() - t0 < SECONDS * 1000) {
    const id = `fault-${n}`;
    const t = texts[n % texts.length]!;
    n++;
    const sent = Date.now();
    inflight.push(
      fetch(`${server.base}/v1/records`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ id, ...t }) })
        .then(async (res) => {
          const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
          outcomes.push({ t: sent - t0, status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error?.code ?? null, id, ms: Date.now() - sent });
        })
        .catch(() => {
          outcomes.push({ t: sent - t0, status: 0, retryAfter: null, code: 'connection error', id, ms: Date.now() - sent });
        }),
    );
    await sleep(1000 / RATE);
  }
  await Promise.all(inflight);
  await timeline;
  const byPhase = (lo: number, hi: number) => {
    const xs = outcomes.filter((o) => o.t >= lo && o.t < hi);
    const counts: Record<string, number> = {};
    for (const o of xs) counts[o.status] = (counts[o.status] ?? 0) + 1;
    return { requests: xs.length, counts };
  };
  const firstOkAfter = outcomes.filter((o) => o.t >= restartedAt && o.status === 200).sort((a, b) => a.t - b.t)[0];
  const refused = outcomes.filter((o) => o.status === 503);
  const store = await openStore({ databaseUrl: pgp.url, dataDir: 'unused', migrate: false });
  const one = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(store.db)).rows[0]!.n;
  const orphanRecords = await one(sql<{ n: number }>`select count(*)::int as n from records r where not exists (select 1 from record_versions v where v.record_id = r.id and v.version = r.current_version)`);
  const unscreened = await one(sql<{ n: number }>`select count(*)::int as n from record_versions v where not exists (select 1 from screenings s where s.record_id = v.record_id and s.version = v.version)`);
  const stored = new Set((await store.db.selectFrom('records').select('id').execute()).map((r) => r.id));
  const okMissing = outcomes.filter((o) => o.status === 200 && !stored.has(o.id)).length;
  const refusedButStored = refused.filter((o) => stored.has(o.id)).length;
  await store.close();
  await server.stop();
  pgp.destroy();
  console.log(`1. PostgreSQL crashed at ${stopAt / 1000} s and restarted at ${startAt / 1000} s of a ${SECONDS} s ingest run at ${RATE} req/s (open loop, private PostgreSQL)\n`);
  console.log('| phase | requests | answers by status |');
  console.log('|---|---|---|');
  console.log(`| before the crash | ${byPhase(0, stopAt).requests} | ${JSON.stringify(byPhase(0, stopAt).counts)} |`);
  console.log(`| database down | ${byPhase(stopAt, startAt).requests} | ${JSON.stringify(byPhase(stopAt, startAt).counts)} |`);
  console.log(`| after the restart | ${byPhase(startAt, SECONDS * 1000 + 1).requests} | ${JSON.stringify(byPhase(startAt, SECONDS * 1000 + 1).counts)} |`);
  const fives = outcomes.filter((o) => o.status >= 500);
  console.log(
    `\n5xx other than 503: ${fives.filter((o) => o.status !== 503).length}; 503 answers ${refused.length}, with Retry-After ${refused.filter((o) => o.retryAfter).length}, codes ${JSON.stringify([...new Set(refused.map((o) => o.code))])}; connection errors ${outcomes.filter((o) => o.status === 0).length}`,
  );
  console.log(`first 200 after the restart: ${firstOkAfter ? `${((firstOkAfter.t - restartedAt) / 1000).toFixed(2)} s after pg_ctl start returned` : 'none'}`);
  console.log(`partial records: ${orphanRecords} records without their version, ${unscreened} versions without a screening; 200 answers whose record is missing: ${okMissing}; refused (503) but stored (committed as the connection dropped): ${refusedButStored}\n`);
}

// ---- 2. Model directory missing or corrupt ------------------------------------------------------
{
  const tmp = mkdtempSync(join(tmpdir(), 'screener-models-'));
  const corrupt = join(tmp, 'corrupt');
  cpSync(join(ROOT, 'models'), corrupt, { recursive: true });
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      if (statSync(join(d, f)).isDirectory()) walk(join(d, f));
      else if (f !== 'manifest.json') files.push(join(d, f));
    }
  };
  walk(join(corrupt, 'wink-sg-100d'));
  writeFileSync(files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!, 'truncated');
  console.log('2. Model directory faults (serve as a process, embedded PGlite)\n');
  console.log('| SCREENER_MODE | MODELS_DIR | /readyz | screener | screener_error | versions.model of a /v1/screen result |');
  console.log('|---|---|---|---|---|---|');
  for (const [mode, dir, label] of [
    ['hybrid', join(tmp, 'missing'), 'missing'],
    ['hybrid', corrupt, 'corrupt (a file truncated)'],
    ['rules', join(tmp, 'missing'), 'missing'],
  ] as const) {
    const server = await startServer({ pglite: true, env: { SCREENER_MODE: mode, MODELS_DIR: dir } });
    try {
      const ready = await fetch(`${server.base}/readyz`);
      const body = (await ready.json()) as { screener?: string; screener_error?: string };
      const screen = await fetch(`${server.base}/v1/screen`, { method: 'POST', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'm', text: narratives()[0]!.text }) });
      const result = (await screen.json()) as { versions?: { model?: string }; error?: { code?: string } };
      console.log(`| ${mode} | ${label} | ${ready.status} | ${body.screener} | ${body.screener_error ?? '-'} | ${result.versions?.model ?? `${screen.status} ${result.error?.code}`} |`);
    } finally {
      await server.stop();
    }
  }
  rmSync(tmp, { recursive: true, force: true });
  console.log('');
}

// ---- 3. A re-screen worker killed mid-job -------------------------------------------------------
{
  const admin = process.env.LOAD_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `faults_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();
  const store = await openStore({ databaseUrl, dataDir: 'unused' });
  try {
    await seedBackCatalogue(store.db, { n: RECORDS, seed: 3, idPrefix: 'fk' });
    const t0 = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'rescreen', '--workers', '2', '--batch-size', '50', '--job-timeout', '15', '--json'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exit = new Promise<number | null>((r) => child.on('exit', r));
    let pids: number[] = [];
    while (pids.length < 2) {
      pids = [...err.matchAll(/worker pid (\d+)/g)].map((m) => Number(m[1]));
      await sleep(50);
    }
    let victimBatch: { run_id: number; batch_no: number } | undefined;
    while (!victimBatch) {
      victimBatch = await store.db.selectFrom('rescreen_batches').select(['run_id', 'batch_no']).where('worker', '=', `${hostname()}:${pids[0]}`).where('done_at', 'is', null).executeTakeFirst();
      if (!victimBatch) await sleep(40);
    }
    const doneAtKill = (await store.db.selectFrom('rescreen_batches').select(sql<number>`count(done_at)::int`.as('n')).executeTakeFirstOrThrow()).n;
    process.kill(pids[0]!, 'SIGKILL');
    const killedAt = Date.now();
    const code = await exit;
    const summary = JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
    const killed = await store.db.selectFrom('rescreen_batches').selectAll().where('run_id', '=', victimBatch.run_id).where('batch_no', '=', victimBatch.batch_no).executeTakeFirstOrThrow();
    const per = await sql<{ records: number; rows: number }>`select count(distinct record_id)::int as records, count(*)::int as rows from screenings where trigger = 'rescreen'`.execute(store.db);
    console.log(`3. Re-screen of ${RECORDS} records, 2 workers, batches of 50, job timeout 15 s; worker ${pids[0]} killed (SIGKILL) inside batch ${victimBatch.batch_no} after ${doneAtKill} batches were done\n`);
    console.log(`exit code ${code}; ${((Date.now() - t0) / 1000).toFixed(1)} s in all (${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill); summary: screened ${summary.screened}, skipped ${summary.skipped}, job attempts ${summary.attempts} for ${summary.batches} batches`);
    console.log(`the killed batch: done ${killed.done_at ? 'yes' : 'no'}, attempts ${killed.attempts}, finished by ${killed.worker === `${hostname()}:${pids[1]}` ? 'the other worker' : killed.worker}`);
    console.log(`re-screen rows ${per.rows[0]!.rows} for ${per.rows[0]!.records} records; duplicate (record, version, screener versions) keys: ${await duplicateRescreens(store.db)}`);
  } finally {
    await store.close();
    const d = new pg.Client({ connectionString: admin });
    await d.connect();
    await d.query(`drop database if exists ${name} with (force)`);
    await d.end();
  }
}
