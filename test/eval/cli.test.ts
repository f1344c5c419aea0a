// `stalking-screener eval`: validation, exit codes, outputs. The screener is injected (a table-driven
// fake) so these tests exercise the command, not the rules.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseLabelledJsonl, run } from '../../src/cli/eval.ts';
import { ABLATION, type ScreenerOptions } from '../../src/screening/factory.ts';
import { fakeScreener, type FakeOutput } from '../fixtures/eval/fake-screener.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataset = path.join(here, '../fixtures/eval/cli-dataset.jsonl');

// Valid records c0-c7; stalking positives c0, c1, c3, c5. Scores: c0 .9, c1 .8, c2 .7, c3 .3, c4-c7 .1 / .6 / .1 / .1.
// At 0.5: flagged c0, c1, c2, c5 -> tp 3 (c0, c1, c5), fp 1 (c2), fn 1 (c3): precision 3/4, recall 3/4.
const stalking: Record<string, number> = { c0: 0.9, c1: 0.8, c2: 0.7, c3: 0.3, c4: 0.1, c5: 0.6, c6: 0.1, c7: 0.1 };
const table: Record<string, FakeOutput> = Object.fromEntries(Object.entries(stalking).map(([id, s]) => [id, { stalking: s, s4a: id === 'c0' ? 0.8 : 0.1 }]));

let stdout = '';
let stderr = '';
const dirs: string[] = [];
const opened: ScreenerOptions[] = [];
const factory = async (options: ScreenerOptions) => {
  opened.push(options);
  if (options.mode === 'transformer') throw new Error('no text model here');
  return fakeScreener(table);
};

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'eval-cli-'));
  dirs.push(dir);
  return dir;
}

beforeEach(() => {
  stdout = '';
  stderr = '';
  opened.length = 0;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('parseLabelledJsonl', () => {
  it('keeps valid lines and reports each bad one with its line number and field', async () => {
    const { records, problems } = parseLabelledJsonl(await readFile(dataset, 'utf8'));
    expect(records.map((r) => r.id)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [4, '(line)'], // truncated JSON
      [5, 'label_stalking'], // missing label
      [12, 'id'], // duplicate of line 2 (line 11 is blank and skipped)
    ]);
    expect(problems[2]!.error).toContain('line 2');
  });

  it('rejects s4A without stalking (the schema refinement)', () => {
    const { problems } = parseLabelledJsonl(JSON.stringify({ id: 'x', text: 't', label_stalking: false, label_s4a: true }));
    expect(problems).toEqual([{ line: 1, field: 'label_s4a', error: 'label_s4a: label_s4a requires label_stalking' }]);
  });
});

describe('stalking-screener eval', () => {
  it('evaluates the good lines, writes the outputs, reports the bad lines and exits 1', async () => {
    const out = await tempDir();
    const card = path.join(out, 'card', 'model-card.md');
    const code = await run(['--dataset', dataset, '--out', out, '--resamples', '50', '--model-card', card], { createScreener: factory });
    expect(code).toBe(1);
    const errors = stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(errors.map((e) => e.line)).toEqual([4, 5, 12]);
    const metrics = JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.n).toBe(8);
    expect(metrics.stalking.precision).toBeCloseTo(0.75, 12);
    expect(metrics.stalking.recall).toBeCloseTo(0.75, 12);
    expect(metrics.dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(stdout).toContain('evaluated 8 records');
    expect(stdout).toContain('(3 lines rejected)');
    expect(stdout).toMatch(/stalking\s+threshold 0\.50\s+precision 75\.0%/);
    expect(await readFile(path.join(out, 'report.md'), 'utf8')).toContain('## Headline figures');
    expect(await readFile(card, 'utf8')).toContain('# Model card');
    expect(opened).toEqual([{ mode: 'combined' }]);
  });

  it('exits 0 when every line is valid', async () => {
    const out = await tempDir();
    const clean = path.join(out, 'clean.jsonl');
    const lines = (await readFile(dataset, 'utf8')).split('\n').filter((_, i) => ![3, 4, 11].includes(i));
    await writeFile(clean, lines.join('\n'));
    expect(await run(['--dataset', clean, '--out', out, '--resamples', '20'], { createScreener: factory })).toBe(0);
    expect(stderr).toBe('');
  });

  it('exits 1 when the quality gate fails and says which floor', async () => {
    const out = await tempDir();
    const floors = path.join(out, 'floors.json');
    await writeFile(floors, JSON.stringify({ stalking_recall: 0.9, stalking_precision: 0.5 }));
    const clean = path.join(out, 'clean.jsonl');
    await writeFile(clean, (await readFile(dataset, 'utf8')).split('\n').slice(0, 3).join('\n'));
    // c0-c2: positives c0, c1 both flagged -> recall 1; c2 flagged, negative -> precision 2/3.
    expect(await run(['--dataset', clean, '--out', out, '--resamples', '20', '--floors', floors], { createScreener: factory })).toBe(0);
    expect(stdout).toContain('quality gate passed');
    await writeFile(floors, JSON.stringify({ stalking_precision: 0.7 }));
    expect(await run(['--dataset', clean, '--out', out, '--resamples', '20', '--floors', floors], { createScreener: factory })).toBe(1);
    expect(stdout).toContain('quality gate FAILED');
    expect(stdout).toContain('stalking precision 0.667 is below the floor 0.7');
  });

  it('runs an ablation and carries on without a variant that cannot be built', async () => {
    const out = await tempDir();
    const code = await run(['--dataset', dataset, '--out', out, '--resamples', '20', '--ablation'], { createScreener: factory });
    expect(code).toBe(1); // the dataset's bad lines, not the ablation
    expect(opened.map((o) => o.mode)).toEqual(['combined', ...ABLATION.filter((m) => m !== 'combined')]);
    expect(stderr).toContain('the transformer screener is unavailable');
    const metrics = JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'));
    expect(Object.keys(metrics.ablation.variants)).toEqual(ABLATION.filter((m) => m !== 'transformer'));
  });

  it.each([
    [[], '--dataset is required'],
    [['--dataset', dataset, '--mode', 'magic'], 'unknown --variant magic'],
    [['--dataset', dataset, '--variant', 'magic'], 'unknown --variant magic'],
    [['--dataset', dataset, '--resamples', '0'], '--resamples must be a positive integer'],
    [['--dataset', dataset, '--bogus'], "Unknown option '--bogus'"],
    [['--dataset', '/nonexistent/file.jsonl'], 'ENOENT'],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    expect(await run(args as string[], { createScreener: factory })).toBe(2);
    expect(stderr).toContain(message);
    expect(opened).toEqual([]);
  });

  it('exits 1 when no line is valid', async () => {
    const out = await tempDir();
    const bad = path.join(out, 'bad.jsonl');
    await writeFile(bad, '{"id": "x"}\nnot json\n');
    expect(await run(['--dataset', bad, '--out', out], { createScreener: factory })).toBe(1);
    expect(stderr).toContain('no valid labelled records');
  });
});
