// ./bin/stalking-screener validate as a child process: exit codes, stderr problems, stdout summary.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'stalking-screener');
const dir = mkdtempSync(join(tmpdir(), 'validate-'));

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(BIN, ['validate', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const good = { id: 'a-1', text: 'IP reports ex-p calling x40 since Saturday.', label_stalking: true, label_s4a: false, style: 'control_room_log', relationship: 'ex-partner' };
const good2 = { id: 'a-2', text: 'Lost wallet on the bus.', label_stalking: false, label_s4a: false, style: 'officer_summary' };

describe('validate CLI', () => {
  it('accepts a valid file with exit 0 and prints the summary', () => {
    const file = join(dir, 'ok.jsonl');
    writeFileSync(file, `${JSON.stringify(good)}\n${JSON.stringify(good2)}\n`);
    const r = run(['--dataset', file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const summary = JSON.parse(r.stdout);
    expect(summary.n).toBe(2);
    expect(summary.positives).toBe(1);
    expect(summary.by_style.control_room_log).toEqual({ n: 1, positives: 1 });
    expect(summary.by_relationship['ex-partner']).toEqual({ n: 1, positives: 1 });
  });

  it('rejects a bad line naming the line and the field, with exit 1', () => {
    const file = join(dir, 'bad.jsonl');
    const bad = { ...good2, id: 'a-3', label_stalking: 'yes' };
    writeFileSync(file, `${JSON.stringify(good)}\n${JSON.stringify(bad)}\nnot json\n`);
    const r = run(['--dataset', file]);
    expect(r.status).toBe(1);
    const problems = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(problems).toContainEqual(expect.objectContaining({ line: 2, field: 'label_stalking' }));
    expect(problems).toContainEqual(expect.objectContaining({ line: 3, field: '(json)' }));
    expect(JSON.parse(r.stdout).n).toBe(1);
  });

  it('rejects s4A without stalking and duplicate ids', () => {
    const file = join(dir, 'rules.jsonl');
    writeFileSync(file, `${JSON.stringify({ ...good2, label_s4a: true })}\n${JSON.stringify(good)}\n${JSON.stringify(good)}\n`);
    const r = run(['--dataset', file]);
    expect(r.status).toBe(1);
    const problems = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(problems).toContainEqual(expect.objectContaining({ line: 1, field: 'label_s4a' }));
    expect(problems).toContainEqual(expect.objectContaining({ line: 3, field: 'id' }));
  });

  it('exits 2 on bad usage', () => {
    expect(run([]).status).toBe(2);
    expect(run(['--datset', 'x']).status).toBe(2);
    expect(run(['--dataset', join(dir, 'missing.jsonl')]).status).toBe(2);
  });
});
