// API load benchmark: /v1/screen and /v1/records at a fixed 300 req/s on loopback, open loop
// (requests leave on a steady schedule; latency from the scheduled time: see open-loop.ts).
// The server runs as a separate process, as deployed: `serve` with embedded PGlite in a temp
// DATA_DIR, or PostgreSQL when BENCH_DATABASE_URL is set (its tables must be empty or disposable).
//   node --import tsx bench/api.bench.ts            (BENCH_RATE=300 BENCH_SECONDS=10)
// BENCH_ENDPOINTS=records measures one endpoint; BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/p'
// profiles the server (node refuses --cpu-prof in NODE_OPTIONS). BENCH_BATCH=3 sends 3 records per
// request ({ "records": [...] }); BENCH_CASES=1000 spreads the records over 1,000 victim/suspect
// pairs instead of 50 (smaller case histories). CPU per request is then per request, not per record.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { openLoop } from './open-loop.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RATE = Number(process.env.BENCH_RATE ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ENDPOINTS = (process.env.BENCH_ENDPOINTS ?? 'screen,records').split(',').map((e) => `/v1/${e.trim()}` as '/v1/screen' | '/v1/records');
const BATCH = Number(process.env.BENCH_BATCH ?? 1);
const CASES = Number(process.env.BENCH_CASES ?? 50);
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

// Realistic narratives (lengths and vocabulary) from the gold set, cycled.
const texts = readFileSync(join(ROOT, 'datasets/gold/part-a.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => (JSON.parse(l) as { text: string; recorded_as?: string }))
  .map((r) => ({ text: r.text, recorded_as: r.recorded_as }));

const dataDir = mkdtempSync(join(tmpdir(), 'screener-bench-'));
const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', RATE_LIMIT: '1000000' };
if (process.env.BENCH_DATABASE_URL) env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
else delete env.DATABASE_URL;

function run(args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? ok(out) : fail(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

function startServer(): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, '--import', 'tsx', join(ROOT, 'src/cli/serve.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) ok({ child, base: m[1]! });
    });
    child.stderr!.resume();
    child.on('exit', (code) => fail(new Error(`serve exited ${code}`)));
  });
}

async function waitReady(base: string) {
  for (let i = 0; i < 120; i++) {
    if ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('server never became ready');
}

/**
 * The n-th POST of a run: `batch` records (one sent bare, more as { records }), each a gold
 * narrative with a new id and one of `cases` victim/suspect pairs.
 */
function post(path: string, key: string, id: string, n: number, cases: { prefix: string; count: number }, batch = 1) {
  const record = (m: number, rid: string) => ({ id: rid, ...texts[m % texts.length]!, victim_ref: `${cases.prefix}V${m % cases.count}`, suspect_ref: `${cases.prefix}S${m % cases.count}` });
  return {
    method: 'POST' as const,
    path,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(batch === 1 ? record(n, id) : { records: Array.from({ length: batch }, (_, j) => record(n * batch + j, `${id}-${j}`)) }),
  };
}

/**
 * CPU time in ms (Linux: /proc schedstat, user and system) of the server's request thread, of the
 * whole server process, and of every PostgreSQL process on the machine, so a run can say what a
 * request costs as well as how long it waited. Undefined where /proc is not there.
 */
function cpuNow(serverPid: number): { request: number; server: number; postgres: Map<string, number> } | undefined {
  const ms = (schedstat: string) => Number(schedstat.split(' ')[0]) / 1e6;
  try {
    const tasks = readdirSync(`/proc/${serverPid}/task`);
    const server = tasks.reduce((sum, t) => sum + ms(readFileSync(`/proc/${serverPid}/task/${t}/schedstat`, 'utf8')), 0);
    const request = ms(readFileSync(`/proc/${serverPid}/task/${serverPid}/schedstat`, 'utf8'));
    const postgres = new Map<string, number>();
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
        postgres.set(pid, readdirSync(`/proc/${pid}/task`).reduce((sum, t) => sum + ms(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8')), 0));
      } catch {
        // the process ended while being read
      }
    }
    return { request, server, postgres };
  } catch {
    return undefined;
  }
}

/** The machine's CPU counters (Linux /proc/stat, in ticks): all time and the time stolen by the host. */
function machineTicks(): { total: number; steal: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
  } catch {
    return undefined;
  }
}

async function measure(base: string, key: string, path: '/v1/screen' | '/v1/records', serverPid: number) {
  const before = cpuNow(serverPid);
  const ticksBefore = machineTicks();
  // A new id per request, so every /v1/records request is a real insert, not an idempotent no-op.
  const result = await openLoop({ base, rate: RATE, seconds: SECONDS, request: (n) => post(path, key, `bench-${path.slice(4)}-${n}`, n, { prefix: '', count: CASES }, BATCH) });
  const after = cpuNow(serverPid);
  const ticksAfter = machineTicks();
  // On a virtual machine the host can take CPU time away (steal); a run that lost much of it is slow for reasons outside the service.
  const steal = ticksBefore && ticksAfter && ticksAfter.total > ticksBefore.total ? Math.round((100 * (ticksAfter.steal - ticksBefore.steal)) / (ticksAfter.total - ticksBefore.total)) : null;
  // PostgreSQL: per process, what it used since the first reading (a backend that ended meanwhile is not counted).
  const used = (k: 'request' | 'server' | 'postgres') =>
    before && after ? (k === 'postgres' ? [...after.postgres].reduce((sum, [pid, ms]) => sum + ms - (before.postgres.get(pid) ?? 0), 0) : after[k] - before[k]) : NaN;
  const perRequest = (k: 'request' | 'server' | 'postgres') => (before && after ? Math.round((used(k) / result.sent) * 100) / 100 : null);
  return { endpoint: path, target_rps: RATE, ...result, cpu_ms_per_request: { request_thread: perRequest('request'), server: perRequest('server'), postgres: perRequest('postgres') }, cpu_stolen_percent: steal };
}

let server: ChildProcess | undefined;
try {
  const lastLine = (await run(['keys', 'create', '--role', 'admin', '--name', 'bench'])).trimEnd().split('\n').at(-1)!;
  const started = await startServer();
  server = started.child;
  await waitReady(started.base);
  // Warm up both paths (JIT, catalogue caches, the database's caches and prepared statements)
  // before measuring: a cold ingest path builds a backlog in the first second that the rest of a
  // 10-second run spends draining. Warm-up records use their own ids and cases.
  for (const path of ['/v1/screen', '/v1/records']) {
    await openLoop({ base: started.base, rate: 100, seconds: 3, request: (n) => post(path, lastLine, `warm-${n}`, n, { prefix: 'W', count: 10 }) });
  }
  const rows = [];
  for (const endpoint of ENDPOINTS) rows.push(await measure(started.base, lastLine, endpoint, server.pid!));
  const backend = env.DATABASE_URL ? 'postgres' : 'pglite';
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  console.log(`\nAPI benchmark (1-min load average at the end: ${load}): ${RATE} req/s target, ${BATCH} record(s) per request, ${CASES} cases, ${SECONDS} s per endpoint, open loop (latency from each request's scheduled time), backend ${backend}, loopback\n`);
  console.log('| endpoint | target req/s | achieved req/s | p50 ms | p99 ms | max ms | 2xx | non-2xx (by status) | errors | CPU ms/request: request thread, server, PostgreSQL | CPU stolen by the host |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const cpu = r.cpu_ms_per_request;
    console.log(`| ${r.endpoint} | ${r.target_rps} | ${r.achieved_rps} | ${r.p50_ms} | ${r.p99_ms} | ${r.max_ms} | ${r.ok_2xx} | ${r.non_2xx} ${JSON.stringify(r.status_counts)} | ${r.errors + r.timeouts} | ${cpu.request_thread ?? '-'}, ${cpu.server ?? '-'}, ${cpu.postgres ?? '-'} | ${r.cpu_stolen_percent ?? '-'}% |`);
  }
  console.log(`\n${JSON.stringify({ backend, rate: RATE, seconds: SECONDS, results: rows })}`);
} finally {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server!.on('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
}
