// `npm run eval:all`: every evaluation set, each with the ablation (keyword search, rules, n-gram,
// transformer, combined), through the same `eval` command a user runs on one set; then one summary
// table (eval/results/summary.md and summary.json) and the quality gates.
//   node --import tsx eval/all.ts [--out eval/results] [--resamples N]
// The real-text set is skipped with a message when the real posts are not on this machine.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { padded } from '../datasets/padding.ts';
import { labelledRecordSchema } from '../datasets/schema.ts';
import { run } from '../src/cli/eval.ts';
import { num, pct } from './format.ts';
import { writeModelCard } from './model-card.ts';
import type { EvaluationMetrics } from './harness.ts';

export interface EvalSet {
  name: string;
  dataset: string;
  /** What the figures on this set may be used for. */
  role: string;
  floors?: string;
  /** Evaluate `dataset` made long (datasets/padding.ts), written to a fresh temporary folder for the run and removed after it. */
  longFrom?: string;
}

/** The model card is written from the blind test split's metrics and the summary of every set. */
export const MODEL_CARD = { from: 'blind-test', path: 'docs/model-card.md' };

export const SETS: EvalSet[] = [
  { name: 'blind-test', dataset: 'datasets/blind/test.jsonl', role: 'test: blind-written, writers unseen in training', floors: 'eval/floors-blind.json' },
  { name: 'real-posts-dev', dataset: 'datasets/real-posts/labels.jsonl', role: 'development: real public posts (thresholds may be studied here, weights never fitted)' },
  { name: 'real-posts-test', dataset: 'datasets/real-posts/test-labels.jsonl', role: 'test: other real public posts, labelled after every choice made on the development posts; nothing is chosen here' },
  { name: 'gold-test', dataset: 'datasets/gold/test.jsonl', role: 'test: the independent gold set', floors: 'eval/floors.json' },
  { name: 'blind-dev', dataset: 'datasets/blind/dev.jsonl', role: 'development: the combining scorer and thresholds were fitted here' },
  {
    name: 'blind-dev-long',
    dataset: 'datasets/blind/dev.jsonl',
    longFrom: 'datasets/blind/dev.jsonl',
    role: 'development: every blind dev record joined with 3-6 routine records of the split (about four times as long; datasets/padding.ts), as a log with many updates or a long statement is; the combining scorer was fitted with these copies too',
  },
  { name: 'synthetic', dataset: 'datasets/synthetic/dev.jsonl', role: 'training data of the text models: in-sample, never a claim' },
];

/** The default screener's figures beyond the ablation: high-risk recall, the priority band, and recall by relationship. */
type Detail = { set: string; highRisk: { labelled: number; recall: number } | null; priority: EvaluationMetrics['stalking']['priority']; groups: Record<string, { positives: number; recall: number }> };

export const GROUPS = ['stranger', 'online-only', 'neighbour', 'colleague', 'family', 'ex-partner', 'customer-client', 'acquaintance'];

type Row = { set: string; role: string; variant: string; task: string; n: number; positives: number; recall: number; recallCi: [number, number]; precision: number; precisionCi: [number, number]; f2: number; ap: number; wss: number; ece: number; workload: number };

export async function evaluateAll(outRoot: string, resamples?: number): Promise<{ rows: Row[]; details: Detail[]; failed: string[]; skipped: string[] }> {
  const rows: Row[] = [];
  const details: Detail[] = [];
  const failed: string[] = [];
  const skipped: string[] = [];
  for (const set of SETS) {
    if (!existsSync(set.dataset)) {
      skipped.push(`${set.name}: ${set.dataset} is missing`);
      continue;
    }
    let dataset = set.dataset;
    let scratch: string | undefined;
    if (set.longFrom) {
      const records = (await readFile(set.longFrom, 'utf8')).split('\n').filter(Boolean).map((l) => labelledRecordSchema.parse(JSON.parse(l)));
      scratch = await mkdtemp(path.join(tmpdir(), 'stalking-screener-'));
      dataset = path.join(scratch, `${set.name}.jsonl`);
      await writeFile(dataset, padded(records).map((r) => JSON.stringify(r)).join('\n') + '\n');
    }
    const out = path.join(outRoot, set.name);
    const args = ['--dataset', dataset, '--out', out, '--ablation'];
    if (set.floors) args.push('--floors', set.floors);
    if (resamples) args.push('--resamples', String(resamples));
    process.stdout.write(`\n== ${set.name} (${set.role})\n`);
    const code = await run(args).finally(() => (scratch ? rm(scratch, { recursive: true, force: true }) : undefined));
    const metricsPath = path.join(out, 'metrics.json');
    if (!existsSync(metricsPath) || (await readFile(metricsPath, 'utf8')).length === 0) {
      skipped.push(`${set.name}: not evaluated (see above)`);
      continue;
    }
    const m = JSON.parse(await readFile(metricsPath, 'utf8')) as EvaluationMetrics;
    if (m.dataset.path !== dataset) {
      // A metrics.json left from an earlier run, not this one (the set was skipped).
      skipped.push(`${set.name}: skipped`);
      continue;
    }
    if (code !== 0) failed.push(set.name);
    const high = m.risk.matrix[0] ?? [];
    const labelledHigh = high.reduce((a, b) => a + b, 0);
    const groups: Detail['groups'] = {};
    for (const g of m.subgroups.stalking.relationship.groups) if (GROUPS.includes(g.group)) groups[g.group] = { positives: g.positives, recall: g.recall };
    details.push({ set: set.name, highRisk: labelledHigh ? { labelled: labelledHigh, recall: high[0]! / labelledHigh } : null, priority: m.stalking.priority, groups });
    for (const [variant, v] of Object.entries(m.ablation?.variants ?? {})) {
      for (const task of ['stalking', 's4a'] as const) {
        const t = v[task];
        rows.push({
          set: set.name,
          role: set.role,
          variant,
          task,
          n: m.n,
          positives: m[task].positives,
          recall: t.recall,
          recallCi: [t.ci.recall.lower, t.ci.recall.upper],
          precision: t.precision,
          precisionCi: [t.ci.precision.lower, t.ci.precision.upper],
          f2: t.f2,
          ap: t.average_precision,
          wss: t.wss_at_95,
          ece: t.ece,
          workload: t.workload,
        });
      }
    }
  }
  return { rows, details, failed, skipped };
}

export function summaryMarkdown(rows: Row[], details: Detail[], skipped: string[]): string {
  const lines = [
    '# Evaluation summary',
    '',
    'Written by `npm run eval:all`. Each set evaluated with every variant by the same harness, at each variant\'s own operating thresholds (chosen on development data).',
    'Recall and precision with 95% percentile-bootstrap intervals; F2 weighs recall four times as much as precision; AP average precision; WSS@95 work saved over sampling at 95% recall; ECE expected calibration error; workload the share of records flagged.',
    '',
  ];
  for (const task of ['stalking', 's4a']) {
    lines.push(`## ${task === 'stalking' ? 'Stalking' : 's4A'}`, '', '| set | variant | n | positives | recall [95% CI] | precision [95% CI] | F2 | AP | WSS@95 | ECE | workload |', '|---|---|---:|---:|---|---|---:|---:|---:|---:|---:|');
    for (const r of rows.filter((x) => x.task === task)) {
      lines.push(
        `| ${r.set} | ${r.variant} | ${r.n} | ${r.positives} | ${pct(r.recall)} [${pct(r.recallCi[0])}, ${pct(r.recallCi[1])}] | ${pct(r.precision)} [${pct(r.precisionCi[0])}, ${pct(r.precisionCi[1])}] | ${num(r.f2, 3)} | ${num(r.ap, 3)} | ${pct(r.wss)} | ${num(r.ece, 3)} | ${pct(r.workload)} |`,
      );
    }
    lines.push('');
  }
  lines.push(
    '## Default screener: priority band, high risk, relationships',
    '',
    'The priority band is the part of the flagged records the queue puts first; high-risk recall is the share of records labelled high risk that the screener grades high; recall by relationship of the suspect is for stalking.',
    '',
    `| set | priority band: workload / precision / recall | high-risk recall (labelled high) | ${GROUPS.join(' | ')} |`,
    `|---|---|---|${GROUPS.map(() => '---').join('|')}|`,
  );
  for (const d of details) {
    const band = d.priority ? `${pct(d.priority.workload)} / ${pct(d.priority.precision)} / ${pct(d.priority.recall)}` : '';
    const risk = d.highRisk ? `${pct(d.highRisk.recall)} (${d.highRisk.labelled})` : 'not labelled';
    lines.push(`| ${d.set} | ${band} | ${risk} | ${GROUPS.map((g) => (d.groups[g] ? `${pct(d.groups[g].recall)} (${d.groups[g].positives})` : '')).join(' | ')} |`);
  }
  lines.push('');
  lines.push('## Sets', '', ...SETS.map((s) => `- **${s.name}** (\`${s.longFrom ? `${s.longFrom}, made long` : s.dataset}\`): ${s.role}`), '');
  if (skipped.length) lines.push('Skipped in this run:', '', ...skipped.map((s) => `- ${s}`), '');
  return `${lines.join('\n')}\n`;
}

async function main() {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'eval/results' }, resamples: { type: 'string' } } });
  const { rows, details, failed, skipped } = await evaluateAll(values.out, values.resamples ? Number(values.resamples) : undefined);
  await mkdir(values.out, { recursive: true });
  await writeFile(path.join(values.out, 'summary.json'), `${JSON.stringify({ rows, details, skipped }, null, 2)}\n`);
  await writeFile(path.join(values.out, 'summary.md'), summaryMarkdown(rows, details, skipped));
  const cardMetrics = path.join(values.out, MODEL_CARD.from, 'metrics.json');
  if (existsSync(cardMetrics)) {
    await writeModelCard(cardMetrics, MODEL_CARD.path, path.join(values.out, 'summary.json'));
    process.stdout.write(`wrote ${MODEL_CARD.path}\n`);
  }
  process.stdout.write(`\nwrote ${path.join(values.out, 'summary.md')}${skipped.length ? `\nskipped: ${skipped.join('; ')}` : ''}\n`);
  if (failed.length) {
    process.stdout.write(`quality gate or evaluation FAILED on: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
