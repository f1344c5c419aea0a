// The real command line on a fresh machine: no DATABASE_URL, an empty DATA_DIR. Keys are created
// with the CLI, `serve` runs as a child process, answers /docs and /v1, and shuts down on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 180_000 });

const ROOT = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'screener-serve-'));
const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' };
delete env.DATABASE_URL;

function node(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = node('src/cli/main.ts', args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, stdout, stderr };
}

/** fetch, retrying while the server sheds load (503 with retry-after is its documented answer). */
async function fetchPatiently(url: string, init?: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, init);
    if (res.status !== 503 || attempt >= 20) return res;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

let server: ChildProcess | undefined;
afterAll(() => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('keys and serve from the command line, embedded PGlite in a temp DATA_DIR', () => {
  it('creates keys, serves /docs and /v1, refuses a second process on the same data, and stops on SIGTERM', async () => {
    const wizard = await cli(['keys', 'create', '--role', 'wizard', '--name', 'merlin']);
    expect(wizard.code).toBe(2);
    expect(wizard.stderr).toContain('ingest, reviewer, supervisor, admin');

    const keys: Record<string, string> = {};
    for (const role of ['ingest', 'supervisor']) {
      const made = await cli(['keys', 'create', '--role', role, '--name', `${role}-bot`]);
      expect(made.code, made.stderr).toBe(0);
      const last = made.stdout.trimEnd().split('\n').at(-1)!;
      expect(last).toMatch(/^ssk_[A-Za-z0-9_-]{43}$/); // the key, alone on the last line
      keys[role] = last;
    }

    server = node('src/cli/serve.ts', []);
    let stderr = '';
    server.stderr!.on('data', (d) => (stderr += d));
    const base = await new Promise<string>((resolveUrl, reject) => {
      let out = '';
      server!.stdout!.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/[^\s]+)/.exec(out);
        if (m) resolveUrl(m[1]!);
      });
      server!.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
    expect(stderr).toContain('DATABASE_URL=(unset: embedded PGlite)');

    const docs = await fetchPatiently(`${base}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    const spec = (await (await fetchPatiently(`${base}/docs/json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.paths['/v1/records']).toBeDefined();

    let ready = 0;
    for (let i = 0; i < 60 && ready !== 200; i++) {
      ready = (await fetch(`${base}/readyz`)).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 500));
    }
    expect(ready).toBe(200);

    const ingested = await fetchPatiently(`${base}/v1/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'cli-1', text: 'IP states ex-partner called her 30 times yesterday from a withheld number.' }),
    });
    expect(ingested.status).toBe(200);
    const audit = await fetchPatiently(`${base}/v1/audit`, { headers: { authorization: `Bearer ${keys.supervisor}` } });
    expect(audit.status).toBe(200);
    const actions = ((await audit.json()) as { entries: { action: string }[] }).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['records.ingest', 'key.create']));

    // PGlite is one process's database: a second process on the same folder is refused, clearly.
    const clash = await cli(['keys', 'create', '--role', 'reviewer', '--name', 'late']);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/in use by process \d+/);

    server.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => (server!.exitCode !== null ? r(server!.exitCode) : server!.on('exit', r)));
    expect(code).toBe(0);
    expect(existsSync(join(dataDir, 'screener.lock'))).toBe(false);

    // The data survived the restart of the process: purge (dry run) sees the stored record's database.
    const purge = await cli(['purge', '--dry-run']);
    expect(purge.code, purge.stderr).toBe(0);
    expect(JSON.parse(purge.stdout.trim())).toMatchObject({ dry_run: true, counts: { records: 0 } });
  });
});
