// validate --dataset FILE|-: checks every line of a labelled JSONL dataset against labelledRecordSchema.
// Problems go to stderr as one JSON object per problem, { line, field, error }; a summary of the
// dataset goes to stdout as JSON. Exit 0 when every line is valid, 1 when some are not, 2 on bad usage.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { LabelledRecord } from '../../datasets/schema.ts';
import { labelledRecordSchema } from '../../datasets/schema.ts';

export interface LineProblem {
  line: number;
  field: string;
  error: string;
}

export interface DatasetSummary {
  n: number;
  invalid_lines: number;
  positives: number;
  s4a: number;
  prevalence: number;
  s4a_share_of_positives: number;
  by_style: Record<string, { n: number; positives: number }>;
  by_relationship: Record<string, { n: number; positives: number }>;
  by_recorded_as_positives: Record<string, number>;
  by_risk: Record<string, number>;
  by_scenario_family: Record<string, number>;
  online: { n: number; positives: number };
  text_length: { min: number; median: number; max: number };
}

/** Parse and check each non-blank line; blank lines are allowed (a trailing newline is normal). */
export function validateLines(content: string): { records: LabelledRecord[]; problems: LineProblem[]; invalidLines: number } {
  const records: LabelledRecord[] = [];
  const problems: LineProblem[] = [];
  const seen = new Map<string, number>();
  let invalidLines = 0;
  const lines = content.split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!text.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      problems.push({ line, field: '(json)', error: `not valid JSON: ${(err as Error).message}` });
      invalidLines++;
      return;
    }
    const parsed = labelledRecordSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({ line, field: issue.path.length ? issue.path.join('.') : '(record)', error: issue.message });
      }
      invalidLines++;
      return;
    }
    // Re-sending an id updates a record (CONTRACT §1), so a dataset must not repeat one.
    const first = seen.get(parsed.data.id);
    if (first !== undefined) {
      problems.push({ line, field: 'id', error: `duplicate id "${parsed.data.id}" (first on line ${first})` });
      invalidLines++;
      return;
    }
    seen.set(parsed.data.id, line);
    records.push(parsed.data);
  });
  return { records, problems, invalidLines };
}

function tally<K extends string>(into: Record<K, { n: number; positives: number }>, key: K, positive: boolean): void {
  const row = (into[key] ??= { n: 0, positives: 0 });
  row.n++;
  if (positive) row.positives++;
}

export function summarise(records: readonly LabelledRecord[], invalidLines = 0): DatasetSummary {
  const positives = records.filter((r) => r.label_stalking);
  const s4a = records.filter((r) => r.label_s4a).length;
  const by_style: DatasetSummary['by_style'] = {};
  const by_relationship: DatasetSummary['by_relationship'] = {};
  const by_recorded_as_positives: Record<string, number> = {};
  const by_risk: Record<string, number> = {};
  const by_scenario_family: Record<string, number> = {};
  for (const r of records) {
    tally(by_style, r.style ?? '(none)', r.label_stalking);
    tally(by_relationship, r.relationship ?? '(none)', r.label_stalking);
    by_risk[r.label_risk ?? '(none)'] = (by_risk[r.label_risk ?? '(none)'] ?? 0) + 1;
    const family = (r.scenario ?? '(none)').split(':')[0]!;
    by_scenario_family[family] = (by_scenario_family[family] ?? 0) + 1;
    if (r.label_stalking) {
      const rec = r.recorded_as ?? '(none)';
      by_recorded_as_positives[rec] = (by_recorded_as_positives[rec] ?? 0) + 1;
    }
  }
  const lengths = records.map((r) => r.text.length).sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    n: records.length,
    invalid_lines: invalidLines,
    positives: positives.length,
    s4a,
    prevalence: records.length ? round(positives.length / records.length) : 0,
    s4a_share_of_positives: positives.length ? round(s4a / positives.length) : 0,
    by_style,
    by_relationship,
    by_recorded_as_positives,
    by_risk,
    by_scenario_family,
    online: { n: records.filter((r) => r.online).length, positives: positives.filter((r) => r.online).length },
    text_length: { min: lengths[0] ?? 0, median: lengths[Math.floor(lengths.length / 2)] ?? 0, max: lengths[lengths.length - 1] ?? 0 },
  };
}

const USAGE = 'usage: stalking-screener validate --dataset FILE|-\n';

export async function run(args: string[]): Promise<number> {
  let dataset: string | undefined;
  try {
    const { values, positionals } = parseArgs({ args, options: { dataset: { type: 'string' } }, allowPositionals: true });
    if (positionals.length) throw new Error(`unexpected argument: ${positionals[0]}`);
    dataset = values.dataset;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!dataset) {
    process.stderr.write(USAGE);
    return 2;
  }
  let content: string;
  try {
    content = readFileSync(dataset === '-' ? 0 : dataset, 'utf8');
  } catch (err) {
    process.stderr.write(`cannot read ${dataset}: ${(err as Error).message}\n`);
    return 2;
  }
  const { records, problems, invalidLines } = validateLines(content);
  for (const p of problems) process.stderr.write(`${JSON.stringify(p)}\n`);
  process.stdout.write(`${JSON.stringify(summarise(records, invalidLines), null, 2)}\n`);
  return invalidLines === 0 ? 0 : 1;
}
