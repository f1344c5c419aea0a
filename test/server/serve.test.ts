// The real command line on a fresh machine: no DATABASE_URL, an empty DATA_DIR. `serve` runs as a
// child process, prints one admin key on its very first start, lets the CLI create keys while it runs
// (through its admin socket), answers /docs and /v1, and shuts down on SIGTERM.
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

/** Starts `serve` and resolves with its base URL and its output so far (kept up to date). */
async function startServer(): Promise<{ base: string; out: { stdout: string; stderr: string } }> {
  server = node('src/cli/serve.ts', []);
  const out = { stdout: '', stderr: '' };
  server.stderr!.on('data', (d) => (out.stderr += d));
  const base = await new Promise<string>((resolveUrl, reject) => {
    server!.stdout!.on('data', (d) => {
      out.stdout += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out.stdout);
      if (m) resolveUrl(m[1]!);
    });
    server!.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out.stderr}`)));
  });
  return { base, out };
}

async function waitReady(base: string): Promise<void> {
  let ready = 0;
  for (let i = 0; i < 120 && ready !== 200; i++) {
    ready = (await fetch(`${base}/readyz`)).status;
    if (ready !== 200) await new Promise((r) => setTimeout(r, 500));
  }
  expect(ready).toBe(200);
}

async function stopServer(): Promise<void> {
  server!.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => (server!.exitCode !== null ? r(server!.exitCode) : server!.on('exit', r)));
  expect(code).toBe(0);
}

describe('keys and serve from the command line, embedded PGlite in a temp DATA_DIR', () => {
  let adminKey = '';

  it('prints one admin key on the very first start, and creates keys with the CLI while it runs', async () => {
    const wizard = await cli(['keys', 'create', '--role', 'wizard', '--name', 'merlin']);
    expect(wizard.code).toBe(2);
    expect(wizard.stderr).toContain('ingest, reviewer, supervisor, admin');

    const { base, out } = await startServer();
    expect(out.stderr).toContain('DATABASE_URL=(unset: embedded PGlite)');
    await vi.waitFor(() => expect(out.stdout).toMatch(/First start/), { timeout: 30_000 });
    const printed = out.stdout.match(/ssk_[A-Za-z0-9_-]{43}/g) ?? [];
    expect(printed).toHaveLength(1);
    adminKey = printed[0]!;
    expect(out.stdout).toContain(`${base}/console`);

    const docs = await fetchPatiently(`${base}/docs`);
    expect(docs.status).toBe(200);
    const spec = (await (await fetchPatiently(`${base}/docs/json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.paths['/v1/records']).toBeDefined();

    // While the server holds the embedded database, the CLI asks the server to make the key.
    const keys: Record<string, string> = {};
    for (const role of ['ingest', 'reviewer']) {
      const made = await cli(['keys', 'create', '--role', role, '--name', `${role}-bot`]);
      expect(made.code, made.stderr).toBe(0);
      const last = made.stdout.trimEnd().split('\n').at(-1)!;
      expect(last).toMatch(/^ssk_[A-Za-z0-9_-]{43}$/); // the key, alone on the last line
      keys[role] = last;
    }
    const listed = await cli(['keys', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^admin\tadmin\t/m);
    expect(listed.stdout).toMatch(/^reviewer-bot\treviewer\t/m);
    const taken = await cli(['keys', 'create', '--role', 'reviewer', '--name', 'reviewer-bot']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('already exists');

    await waitReady(base);
    const ingested = await fetchPatiently(`${base}/v1/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'cli-1', text: 'IP states ex-partner called her 30 times yesterday from a withheld number.' }),
    });
    expect(ingested.status).toBe(200);
    expect((await fetchPatiently(`${base}/v1/queue`, { headers: { authorization: `Bearer ${keys.reviewer}` } })).status).toBe(200);
    const audit = await fetchPatiently(`${base}/v1/audit`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(audit.status).toBe(200);
    const entries = ((await audit.json()) as { entries: { action: string; actor: string; target: string }[] }).entries;
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['records.ingest', 'key.create', 'key.list']));
    expect(entries.find((e) => e.target === 'admin' && e.action === 'key.create')?.actor).toBe('system:first-start');
    expect(entries.find((e) => e.target === 'reviewer-bot')?.actor).toMatch(/^cli:/);

    const revoked = await cli(['keys', 'revoke', '--name', 'reviewer-bot']);
    expect(revoked.code, revoked.stderr).toBe(0);

    // Other commands still need the database to themselves: refused, clearly.
    const clash = await cli(['purge', '--dry-run']);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/in use by process \d+/);

    await stopServer();
    expect(existsSync(join(dataDir, 'screener.lock'))).toBe(false);
    expect(existsSync(join(dataDir, 'admin.sock'))).toBe(false);
    expect(out.stderr).not.toContain(adminKey);
  });

  it('never prints a key again on a later start, and the stored data survives the restart', async () => {
    const { base, out } = await startServer();
    await waitReady(base);
    expect(out.stdout).toMatch(/ready: screening with/);
    expect(out.stdout).not.toMatch(/First start|ssk_/);
    expect(out.stderr).not.toMatch(/ssk_/);
    const audit = await fetchPatiently(`${base}/v1/audit`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(audit.status).toBe(200);
    await stopServer();

    const purge = await cli(['purge', '--dry-run']);
    expect(purge.code, purge.stderr).toBe(0);
    expect(JSON.parse(purge.stdout.trim())).toMatchObject({ dry_run: true, counts: { records: 0 } });
  });
});
