// The screen command as a user runs it: ./bin/stalking-screener screen (CONTRACT §3).
import { mkdtempSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from './run-cli.ts';


const run = runCli;

describe('stalking-screener screen', () => {
  it('writes one result per record in input order and exits 0', async () => {
    const lines = ['{"id":"r1","text":"He keeps calling her."}', '{"id":"r2","text":"Parking dispute with neighbour."}', '{"id":"r3","text":"x"}'];
    const { code, stdout, stderr } = await run(['screen'], lines.join('\n') + '\n');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const results = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(results.map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
    for (const r of results) {
      expect(typeof r.stalking_score).toBe('number');
      expect(r.versions.rules).toMatch(/^catalogue-/);
    }
  }, 30_000);

  it('reports a malformed line on stderr with its line number, carries on, and exits 1', async () => {
    const input = ['{"id":"ok1","text":"fine"}', '{not json', '{"id":"","text":"empty id"}', '{"id":"nt"}', '{"id":"ok2","text":"fine too"}'].join('\n');
    const { code, stdout, stderr } = await run(['screen'], input);
    expect(code).toBe(1);
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['ok1', 'ok2']);
    const errors = stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(errors.map((e) => e.line)).toEqual([2, 3, 4]);
    expect(errors[0].error).toMatch(/invalid JSON/);
    expect(errors[1].field).toBe('id');
    expect(errors[2].field).toBe('text');
  }, 30_000);

  it('exits 2 on bad usage', async () => {
    expect((await run(['screen', '--nope'], '')).code).toBe(2);
    expect((await run(['screen', '--in', '/nonexistent/file.jsonl'], '')).code).toBe(2);
    expect((await run(['frobnicate'], '')).code).toBe(2);
  }, 30_000);

  it('reads --in and writes --out files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'screen-'));
    writeFileSync(join(dir, 'in.jsonl'), '{"id":"f1","text":"He followed her home again."}\n');
    const { code } = await run(['screen', '--in', join(dir, 'in.jsonl'), '--out', join(dir, 'out.jsonl')], '');
    expect(code).toBe(0);
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(join(dir, 'out.jsonl'), 'utf8')).id).toBe('f1');
  }, 30_000);

  it('streams a large file in bounded memory (80 MB heap, output 1.5 times the heap)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'screen-big-'));
    const file = join(dir, 'big.jsonl');
    const out = createWriteStream(file);
    const n = 45_000;
    for (let i = 0; i < n; i++) {
      if (!out.write(`{"id":"b${i}","text":"IP STATES EX-P KEEPS TURNING UP AT HER WORK AND CALLED X${i % 9} TODAY"}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const child = spawn(BIN, ['screen', '--in', file], { env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=80' } });
    let count = 0;
    let bytes = 0;
    let lastId = '';
    let tail = '';
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      const text = tail + d.toString();
      const parts = text.split('\n');
      tail = parts.pop()!;
      count += parts.length;
      if (parts.length) lastId = JSON.parse(parts[parts.length - 1]!).id;
    });
    const [code] = await once(child, 'close');
    expect(code).toBe(0);
    expect(count).toBe(n);
    expect(lastId).toBe(`b${n - 1}`);
    expect(bytes).toBeGreaterThan(1.5 * 80 * 1024 * 1024);
  }, 240_000);
});
