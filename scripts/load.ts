// Load test: mixed ingest (POST /v1/records) and screen (POST /v1/screen) at a fixed total rate on
// loopback against `serve` running as its own process, as deployed. Reports, per endpoint and per
// time window: requests, non-2xx, errors, p50/p99 latency; and the server's memory over time (from
// its own /metrics). Bounded: a fixed rate for a fixed time.
//   node --import tsx scripts/load.ts [--rate 300] [--seconds 60] [--sample 5] [--pglite] [--out FILE.json]
// PostgreSQL by default: a new database on LOAD_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres),
// dropped afterwards; --pglite uses embedded PGlite in a temp DATA_DIR.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

// autocannon ships no types; the little of its API used here, typed locally.
interface CannonRequest { method: string; path: string; headers: Record<string, string>; body?: string; setupRequest?: (req: CannonRequest) => CannonRequest }
interface CannonOptions { url: string; connections: number; overallRate?: number; duration?: number; amount?: number; timeout?: number; requests: CannonRequest[] }
interface CannonResult { requests: { average: number }; latency: { p50: number; p99: number; max: number }; '2xx': number; non2xx: number; errors: number; timeouts: number; statusCodeStats?: Record<string, { count: number }> }
interface CannonInstance extends Promise<CannonResult> {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'reqError', fn: (err: Error) => void): void;
}
const autocannonModule = 'autocannon';
const autocannon = ((await import(autocannonModule)) as { default: (o: CannonOptions) => CannonInstance }).default;

const ROOT = resolve(import.meta.dirname, '..');

export interface LoadOptions {
  rate: number;
  seconds: number;
  /** Window length for the time series, seconds. */
  sample: number;
  pglite: boolean;
  label: string;
}

interface Window {
  t: number;
  requests: Record<string, number>;
  non2xx: Record<string, number>;
  errors: Record<string, number>;
  p50: Record<string, number>;
  p99: Record<string, number>;
  rss_mb: number | null;
  heap_mb: number | null;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10 : 0);

export function machine(): string {
  const c = cpus();
  return `${c[0]?.model?.trim() ?? 'cpu'} x${c.length}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, node ${process.version}, ${process.platform}`;
}

export interface Server {
  base: string;
  key: string;
  child: ChildProcess;
  databaseUrl: string | undefined;
  stop(): Promise<void>;
}

/** `serve` as a child process on a fresh database, with an admin key. */
export async function startServer(o: { pglite: boolean; databaseUrl?: string; env?: Record<string, string> }): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'screener-load-'));
  let dropName: string | undefined;
  const admin = process.env.LOAD_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let databaseUrl = o.databaseUrl;
  if (!o.pglite && !databaseUrl) {
    dropName = `load_${randomBytes(4).toString('hex')}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`create database ${dropName}`);
    await c.end();
    const u = new URL(admin);
    u.pathname = `/${dropName}`;
    databaseUrl = u.toString();
  }
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', RATE_LIMIT: '10000000', ...o.env };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const cli = (args: string[]) =>
    new Promise<string>((ok, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', (code) => (code === 0 ? ok(out) : fail(new Error(`${args.join(' ')} exited ${code}`))));
    });
  const key = (await cli(['keys', 'create', '--role', 'admin', '--name', `load-${randomBytes(3).toString('hex')}`])).trimEnd().split('\n').at(-1)!;
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/serve.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.resume();
  const base = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.on('exit', (code) => fail(new Error(`serve exited ${code}`)));
  });
  for (let i = 0; i < 240; i++) {
    if ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    base,
    key,
    child,
    databaseUrl,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dataDir, { recursive: true, force: true });
      if (dropName) {
        const c = new pg.Client({ connectionString: admin });
        await c.connect();
        await c.query(`drop database if exists ${dropName} with (force)`);
        await c.end();
      }
    },
  };
}

/** The server's own memory figures from /metrics (Prometheus text). */
export async function serverMemory(base: string): Promise<{ rss_mb: number | null; heap_mb: number | null }> {
  try {
    const text = await (await fetch(`${base}/metrics`)).text();
    const read = (name: string) => {
      const m = new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(text);
      return m ? Math.round((Number(m[1]) / 2 ** 20) * 10) / 10 : null;
    };
    return { rss_mb: read('process_resident_memory_bytes'), heap_mb: read('nodejs_heap_size_used_bytes') };
  } catch {
    return { rss_mb: null, heap_mb: null };
  }
}

/** Realistic narratives (lengths and vocabulary) from the gold set, cycled. */
export function narratives(): { text: string; recorded_as?: string }[] {
  return readFileSync(join(ROOT, 'datasets/gold/part-a.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { text: string; recorded_as?: string })
    .map((r) => ({ text: r.text, ...(r.recorded_as ? { recorded_as: r.recorded_as } : {}) }));
}

export async function runLoad(o: LoadOptions, server: Server) {
  const texts = narratives();
  const endpoints = ['/v1/screen', '/v1/records'] as const;
  const started = Date.now();
  const lat: Record<string, number[][]> = { '/v1/screen': [], '/v1/records': [] };
  const counts: Record<string, { req: number[]; non2xx: number[]; err: number[] }> = {
    '/v1/screen': { req: [], non2xx: [], err: [] },
    '/v1/records': { req: [], non2xx: [], err: [] },
  };
  const slot = () => Math.floor((Date.now() - started) / 1000 / o.sample);
  const memory: { rss_mb: number | null; heap_mb: number | null }[] = [];
  const sampler = setInterval(() => {
    void serverMemory(server.base).then((m) => (memory[slot()] = m));
  }, o.sample * 1000);
  const runId = randomBytes(3).toString('hex');
  const instances = endpoints.map((path) => {
    let n = 0;
    const inst = autocannon({
      url: server.base,
      connections: 16,
      overallRate: o.rate / 2,
      duration: o.seconds,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          path,
          headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
          // A new id per request: every ingest is a real insert (and 1 in 10 a new version of an earlier one).
          setupRequest: (req) => {
            const t = texts[n % texts.length]!;
            const id = n % 10 === 9 ? `${o.label}-${runId}-${path.slice(4)}-${n - 9}` : `${o.label}-${runId}-${path.slice(4)}-${n}`;
            n++;
            return { ...req, body: JSON.stringify({ id, ...t, text: n % 10 === 0 ? `${t.text} Update.` : t.text, victim_ref: `V${n % 200}`, suspect_ref: `S${n % 200}` }) };
          },
        },
      ],
    });
    inst.on('response', (_c, status, _b, ms) => {
      const s = slot();
      (lat[path]![s] ??= []).push(ms);
      const c = counts[path]!;
      c.req[s] = (c.req[s] ?? 0) + 1;
      if (status < 200 || status > 299) c.non2xx[s] = (c.non2xx[s] ?? 0) + 1;
    });
    inst.on('reqError', () => {
      const s = slot();
      const c = counts[path]!;
      c.err[s] = (c.err[s] ?? 0) + 1;
    });
    return inst;
  });
  const results = await Promise.all(instances);
  clearInterval(sampler);
  memory[slot()] = await serverMemory(server.base);

  const windows: Window[] = [];
  const nWindows = Math.ceil(o.seconds / o.sample);
  for (let s = 0; s < nWindows; s++) {
    const w: Window = { t: (s + 1) * o.sample, requests: {}, non2xx: {}, errors: {}, p50: {}, p99: {}, rss_mb: memory[s]?.rss_mb ?? memory[s + 1]?.rss_mb ?? null, heap_mb: memory[s]?.heap_mb ?? memory[s + 1]?.heap_mb ?? null };
    for (const e of endpoints) {
      const sorted = (lat[e]![s] ?? []).slice().sort((a, b) => a - b);
      w.requests[e] = counts[e]!.req[s] ?? 0;
      w.non2xx[e] = counts[e]!.non2xx[s] ?? 0;
      w.errors[e] = counts[e]!.err[s] ?? 0;
      w.p50[e] = percentile(sorted, 50);
      w.p99[e] = percentile(sorted, 99);
    }
    windows.push(w);
  }
  const perEndpoint = endpoints.map((e, i) => {
    const r = results[i]!;
    const all = lat[e]!.flat().sort((a, b) => a - b);
    return {
      endpoint: e,
      target_rps: o.rate / 2,
      achieved_rps: Math.round(r.requests.average * 10) / 10,
      requests: all.length,
      p50_ms: percentile(all, 50),
      p99_ms: percentile(all, 99),
      max_ms: r.latency.max,
      ok_2xx: r['2xx'],
      non_2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      status_counts: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, v]) => [code, v.count])),
    };
  });
  const combined = [...lat['/v1/screen']!.flat(), ...lat['/v1/records']!.flat()].sort((a, b) => a - b);
  return {
    combined: { requests: combined.length, p50_ms: percentile(combined, 50), p99_ms: percentile(combined, 99), errors: perEndpoint.reduce((n, e) => n + e.errors + e.timeouts, 0), non_2xx: perEndpoint.reduce((n, e) => n + e.non_2xx, 0) },
    perEndpoint,
    windows,
  };
}

export function printReport(title: string, o: LoadOptions, backend: string, r: Awaited<ReturnType<typeof runLoad>>, extra: Record<string, unknown> = {}) {
  const date = new Date().toISOString();
  console.log(`\n${title}: ${date}; ${machine()}; 1-min load average ${loadavg()[0]!.toFixed(1)} at the end`);
  console.log(`${o.rate} req/s target (half screen, half ingest), ${o.seconds} s, backend ${backend}, loopback, 16 connections per endpoint\n`);
  console.log('| endpoint | target req/s | achieved req/s | requests | p50 ms | p99 ms | max ms | non-2xx (by status) | errors+timeouts |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const e of r.perEndpoint) console.log(`| ${e.endpoint} | ${e.target_rps} | ${e.achieved_rps} | ${e.requests} | ${e.p50_ms} | ${e.p99_ms} | ${e.max_ms} | ${e.non_2xx} ${JSON.stringify(e.status_counts)} | ${e.errors + e.timeouts} |`);
  console.log(`| all | ${o.rate} | | ${r.combined.requests} | ${r.combined.p50_ms} | ${r.combined.p99_ms} | | ${r.combined.non_2xx} | ${r.combined.errors} |`);
  console.log('\n| t (s) | screen req | screen p50/p99 ms | ingest req | ingest p50/p99 ms | non-2xx | errors | server RSS MB | heap used MB |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const w of r.windows) {
    const non2xx = Object.values(w.non2xx).reduce((a, b) => a + b, 0);
    const errors = Object.values(w.errors).reduce((a, b) => a + b, 0);
    console.log(`| ${w.t} | ${w.requests['/v1/screen']} | ${w.p50['/v1/screen']}/${w.p99['/v1/screen']} | ${w.requests['/v1/records']} | ${w.p50['/v1/records']}/${w.p99['/v1/records']} | ${non2xx} | ${errors} | ${w.rss_mb ?? '-'} | ${w.heap_mb ?? '-'} |`);
  }
  console.log(`\n${JSON.stringify({ title, date, machine: machine(), backend, ...o, ...extra, combined: r.combined, per_endpoint: r.perEndpoint, windows: r.windows })}`);
}

async function main() {
  const { values } = parseArgs({
    options: { rate: { type: 'string', default: '300' }, seconds: { type: 'string', default: '60' }, sample: { type: 'string', default: '5' }, pglite: { type: 'boolean', default: false }, out: { type: 'string' } },
  });
  const o: LoadOptions = { rate: Number(values.rate), seconds: Number(values.seconds), sample: Number(values.sample), pglite: !!values.pglite, label: 'load' };
  if (!(o.rate > 0 && o.rate <= 5000 && o.seconds > 0 && o.seconds <= 3600 && o.sample > 0)) throw new Error('bounded runs only: --rate 1..5000, --seconds 1..3600');
  const server = await startServer({ pglite: o.pglite });
  try {
    // Warm up (JIT, catalogue caches) before measuring.
    await autocannon({ url: server.base, connections: 4, amount: 200, requests: [{ method: 'POST', path: '/v1/screen', headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'warm', text: narratives()[0]!.text }) }] });
    const r = await runLoad(o, server);
    printReport('Load test', o, o.pglite ? 'pglite' : 'postgres', r);
    if (values.out) writeFileSync(values.out, JSON.stringify(r, null, 1));
  } finally {
    await server.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
