// `stalking-screener eval --dataset FILE [--out DIR] [--variant MODE] [--model-card FILE]
//                         [--ablation] [--floors FILE] [--resamples N]` (CONTRACT §3)
// Exit codes: 0 evaluated every line (and passed the gate if --floors); 1 some lines rejected, no valid
// line, or the gate failed; 2 bad usage.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { labelledRecordSchema, type LabelledRecord } from '../../datasets/schema.ts';
import { checkGate, loadFloors } from '../../eval/gate.ts';
import { evaluate, TASKS, type ScreenerLike } from '../../eval/harness.ts';
import { writeModelCard } from '../../eval/model-card.ts';
import { num, pct } from '../../eval/format.ts';
import { writeEvaluation } from '../../eval/report.ts';
import { isLabelsOnly, loadRealPosts } from '../../datasets/real-posts.ts';
import { ABLATION, createScreener as realCreateScreener, isMode, MODES, type ScreenerMode, type ScreenerOptions } from '../screening/factory.ts';

const USAGE = `usage: stalking-screener eval --dataset FILE [--out DIR] [--variant MODE] [--model-card FILE]
                              [--ablation] [--floors FILE] [--resamples N]
  --dataset FILE     labelled JSONL (records plus label_stalking, label_s4a, optional label_risk), or
                     labels by id and SHA-1 (datasets/real-posts/labels.jsonl), whose texts are read
                     from REAL_POSTS_DIR (default ../shared/data/real-posts); skipped when absent
  --out DIR          where metrics.json, report.md, predictions.jsonl and charts/ go (default out/eval)
  --variant MODE     the screener: ${MODES.join(', ')} (default combined); --mode is the same
  --model-card FILE  also write a model card from the metrics (e.g. docs/model-card.md)
  --ablation         also run ${ABLATION.join(', ')} on the same records and compare them
  --floors FILE      check the quality gate (e.g. eval/floors.json); exit 1 if a floor is not met
  --resamples N      bootstrap resamples for the intervals (default 1000)
`;

type ScreenerFactory = (options: ScreenerOptions) => Promise<ScreenerLike & { close(): Promise<void> }>;

export interface LineProblem {
  line: number;
  field: string;
  error: string;
}

/** Parse and validate labelled JSONL; blank lines are skipped, problems carry their 1-based line number. */
export function parseLabelledJsonl(text: string): { records: LabelledRecord[]; problems: LineProblem[] } {
  const records: LabelledRecord[] = [];
  const problems: LineProblem[] = [];
  const seen = new Map<string, number>();
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      problems.push({ line, field: '(line)', error: `invalid JSON: ${(err as Error).message}` });
      return;
    }
    const parsed = labelledRecordSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.length ? issue.path.join('.') : '(record)';
        problems.push({ line, field, error: `${field}: ${issue.message}` });
      }
      return;
    }
    const first = seen.get(parsed.data.id);
    if (first !== undefined) {
      // A repeated id would be counted twice; CONTRACT §1 treats it as the same record.
      problems.push({ line, field: 'id', error: `id: duplicate of line ${first}` });
      return;
    }
    seen.set(parsed.data.id, line);
    records.push(parsed.data);
  });
  return { records, problems };
}

export async function run(args: string[], deps: { createScreener?: ScreenerFactory } = {}): Promise<number> {
  const createScreener: ScreenerFactory = deps.createScreener ?? realCreateScreener;
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        dataset: { type: 'string' },
        out: { type: 'string', default: 'out/eval' },
        variant: { type: 'string' },
        mode: { type: 'string' },
        'model-card': { type: 'string' },
        ablation: { type: 'boolean', default: false },
        floors: { type: 'string' },
        resamples: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const requested = values.variant ?? values.mode ?? 'combined';
  const resamples = values.resamples === undefined ? undefined : Number(values.resamples);
  if (!values.dataset || !isMode(requested) || (resamples !== undefined && !(Number.isInteger(resamples) && resamples > 0))) {
    process.stderr.write(`${!values.dataset ? '--dataset is required' : !isMode(requested) ? `unknown --variant ${requested}` : '--resamples must be a positive integer'}\n${USAGE}`);
    return 2;
  }
  const mode: ScreenerMode = requested;

  let raw: Buffer;
  let floors;
  try {
    raw = await readFile(values.dataset);
    floors = values.floors ? await loadFloors(values.floors) : undefined;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }

  // Real posts: labels by id and hash here, texts in the shared pool (never in the repository).
  const labelsOnly = isLabelsOnly(raw.toString('utf8').split('\n', 1)[0] ?? '');
  let parsed: { records: LabelledRecord[]; problems: LineProblem[] };
  if (labelsOnly) {
    const real = loadRealPosts(values.dataset);
    if (!real.ok) {
      process.stdout.write(`skipped ${values.dataset}: ${real.reason}\n`);
      return 0;
    }
    if (real.missing) process.stderr.write(`${real.missing} labelled post(s) have no matching text (absent or changed); left out\n`);
    parsed = { records: real.records, problems: [] };
  } else parsed = parseLabelledJsonl(raw.toString('utf8'));
  const { records, problems } = parsed;
  for (const p of problems) process.stderr.write(`${JSON.stringify(p)}\n`);
  if (records.length === 0) {
    process.stderr.write(`no valid labelled records in ${values.dataset}\n`);
    return 1;
  }

  const opened: { close(): Promise<void> }[] = [];
  try {
    const screener = await createScreener({ mode });
    opened.push(screener);
    let variants: Record<string, ScreenerLike> | undefined;
    if (values.ablation) {
      // Today's practice (keyword search) and each stage alone beside the screener, on the same records.
      variants = {};
      for (const other of ABLATION.includes(mode) ? ABLATION : [...ABLATION, mode]) {
        if (other === mode) {
          variants[other] = screener;
          continue;
        }
        try {
          const s = await createScreener({ mode: other });
          opened.push(s);
          variants[other] = s;
        } catch (err) {
          process.stderr.write(`ablation: the ${other} screener is unavailable (${(err as Error).message}); leaving it out\n`);
        }
      }
    }

    const evaluation = await evaluate({
      records,
      screener,
      variants,
      bootstrap: resamples ? { resamples } : undefined,
      dataset: { path: values.dataset, sha256: createHash('sha256').update(raw).digest('hex') },
      redact: labelsOnly,
    });
    const written = await writeEvaluation(values.out, evaluation);
    const m = evaluation.metrics;

    const out: string[] = [`evaluated ${m.n} records from ${values.dataset}${problems.length ? ` (${new Set(problems.map((p) => p.line)).size} lines rejected)` : ''}`];
    for (const task of TASKS) {
      const t = m[task];
      out.push(
        `${task.padEnd(8)} threshold ${num(t.threshold, 2)}  precision ${pct(t.precision)} [${pct(t.ci.precision.lower)}, ${pct(t.ci.precision.upper)}]` +
          `  recall ${pct(t.recall)} [${pct(t.ci.recall.lower)}, ${pct(t.ci.recall.upper)}]  F1 ${pct(t.f1)}  AP ${num(t.average_precision)}` +
          `  WSS@95 ${pct(t.wss_at_95)}  ECE ${num(t.ece)}`,
      );
    }
    for (const w of m.warnings) out.push(`warning: ${w}`);
    out.push(`wrote ${path.join(values.out, 'metrics.json')}, ${path.join(values.out, 'report.md')} and ${written.files.filter((f) => f.startsWith('charts/')).length} charts`);

    if (values['model-card']) {
      await writeModelCard(path.join(values.out, 'metrics.json'), values['model-card']);
      out.push(`wrote ${values['model-card']}`);
    }

    let gateFailed = false;
    if (floors) {
      const failures = checkGate(m, floors);
      gateFailed = failures.length > 0;
      out.push(gateFailed ? `quality gate FAILED:\n${failures.map((f) => `  - ${f.message}`).join('\n')}` : 'quality gate passed');
    }
    process.stdout.write(`${out.join('\n')}\n`);
    return problems.length > 0 || gateFailed ? 1 : 0;
  } catch (err) {
    process.stderr.write(`eval failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    for (const s of opened) await s.close();
  }
}
