// Assembles the blind-written corpus from its writers' batches, the second readers' labels and the
// settled disagreements, and splits it BY WRITER (datasets/blind/split.json, fixed before any record
// was written), so no test writer wrote training or development text.
//   node --import tsx datasets/assemble-blind.ts --from DIR [--append]
// With --append, the records already in datasets/blind of writers not in DIR are kept (with their
// readings in review.jsonl) and DIR's writers are added or replaced: later batches came from a
// second staging folder. Agreement is always counted over every record's two readings in review.jsonl.
// DIR holds batches/W??.jsonl (writers, with their labels), checks/C??.jsonl (second readers, blind
// to the writers' labels) and settled/*.jsonl (a third reader's decision where the two disagreed on
// stalking or s4A). Writes datasets/blind/{train,dev,test}.jsonl, review.jsonl and agreement.json.
// The staging folder is not part of the repository; what it held is all in these outputs.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labelledRecordSchema, type LabelledRecord } from './schema.ts';

const OUT = join(import.meta.dirname, 'blind');
export type Split = 'train' | 'dev' | 'test';
export const SPLIT_PATH = join(OUT, 'split.json');

export function loadSplit(): Record<Split, string[]> {
  return JSON.parse(readFileSync(SPLIT_PATH, 'utf8')).writers as Record<Split, string[]>;
}

type Labels = { label_stalking: boolean; label_s4a: boolean; label_risk: 'high' | 'medium' | 'standard'; rationale?: string };
/** One record's two readings and its final labels (review.jsonl). */
type ReviewRow = {
  id: string;
  writer: string;
  split: Split;
  writer_labels: Labels;
  checker: string | null;
  checker_labels: Labels | null;
  checker_rationale: string | null;
  settled_by: string | null;
  final: Labels;
};

const readJsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

/** A record's id in the corpus: batches, checks and settlements may name it with or without the prefix. */
const blindId = (id: unknown) => (String(id).startsWith('blind-') ? String(id) : `blind-${String(id)}`);

/** Cohen's kappa for two raters over the same items. */
export function kappa<T>(a: T[], b: T[]): number {
  const n = a.length;
  const cats = [...new Set([...a, ...b])];
  const po = a.filter((x, i) => x === b[i]).length / n;
  const pe = cats.reduce((s, c) => s + (a.filter((x) => x === c).length / n) * (b.filter((x) => x === c).length / n), 0);
  return pe === 1 ? 1 : (po - pe) / (1 - pe);
}

function main() {
  const { values } = parseArgs({ options: { from: { type: 'string' }, append: { type: 'boolean', default: false } } });
  if (!values.from) throw new Error('--from DIR is required');
  const split = loadSplit();
  const writerSplit = new Map<string, Split>();
  for (const s of ['train', 'dev', 'test'] as const) for (const w of split[s]) writerSplit.set(w, s);

  const checks = new Map<string, Labels & { checker: string }>();
  for (const f of readdirSync(join(values.from, 'checks')).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const c of readJsonl<Labels & { id: string }>(join(values.from, 'checks', f))) checks.set(blindId(c.id), { ...c, checker: f.replace('.jsonl', '') });
  }
  const settled = new Map<string, Labels & { by: string }>();
  const settledDir = join(values.from, 'settled');
  if (existsSync(settledDir)) {
    for (const f of readdirSync(settledDir).filter((f) => f.endsWith('.jsonl')).sort()) {
      for (const s of readJsonl<Labels & { id: string }>(join(settledDir, f))) settled.set(blindId(s.id), { ...s, by: f.replace('.jsonl', '') });
    }
  }

  const out: Record<Split, LabelledRecord[]> = { train: [], dev: [], test: [] };
  const review: ReviewRow[] = [];
  const batchFiles = readdirSync(join(values.from, 'batches')).filter((f) => /^W\d+\.jsonl$/.test(f)).sort();
  if (values.append) {
    const incoming = new Set(batchFiles.map((f) => f.replace('.jsonl', '')));
    for (const s of ['train', 'dev', 'test'] as const) {
      out[s] = readJsonl<unknown>(join(OUT, `${s}.jsonl`))
        .map((r) => labelledRecordSchema.parse(r))
        .filter((r) => !incoming.has(r.writer ?? ''));
    }
    review.push(...readJsonl<ReviewRow>(join(OUT, 'review.jsonl')).filter((r) => !incoming.has(r.writer)));
  }
  for (const f of batchFiles) {
    const writer = f.replace('.jsonl', '');
    const s = writerSplit.get(writer);
    if (!s) throw new Error(`writer ${writer} is in no split`);
    for (const raw of readJsonl<Record<string, unknown>>(join(values.from, 'batches', f))) {
      const id = blindId(raw.id);
      const c = checks.get(id);
      const decided = settled.get(id);
      const r = labelledRecordSchema.parse({ ...raw, id, writer });
      const w: Labels = { label_stalking: r.label_stalking, label_s4a: r.label_s4a, label_risk: r.label_risk ?? 'standard' };
      let final: Labels = w;
      let settledBy: string | null = null;
      if (c) {
        const disagree = c.label_stalking !== w.label_stalking || c.label_s4a !== w.label_s4a;
        if (disagree && decided) {
          final = { label_stalking: decided.label_stalking, label_s4a: decided.label_s4a, label_risk: decided.label_risk ?? w.label_risk };
          settledBy = decided.by;
        }
      }
      const changed = final.label_stalking !== w.label_stalking || final.label_s4a !== w.label_s4a || final.label_risk !== w.label_risk;
      const rationale = changed && decided?.rationale ? `${decided.rationale} (settled; the writer had: ${r.rationale ?? ''})` : r.rationale;
      const scenario = final.label_stalking === r.label_stalking ? r.scenario : `${final.label_stalking ? 'positive' : 'hard_negative'}:relabelled_${(r.scenario ?? '').split(':')[1] ?? 'unknown'}`;
      out[s].push(labelledRecordSchema.parse({ ...r, ...final, rationale, scenario }));
      review.push({
        id: r.id,
        writer,
        split: s,
        writer_labels: w,
        checker: c?.checker ?? null,
        checker_labels: c ? { label_stalking: c.label_stalking, label_s4a: c.label_s4a, label_risk: c.label_risk } : null,
        checker_rationale: c?.rationale ?? null,
        settled_by: settledBy,
        final: { label_stalking: final.label_stalking, label_s4a: final.label_s4a, label_risk: final.label_risk },
      });
    }
  }
  for (const s of ['train', 'dev', 'test'] as const) writeFileSync(join(OUT, `${s}.jsonl`), out[s].map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(OUT, 'review.jsonl'), review.map((r) => JSON.stringify(r)).join('\n') + '\n');

  const pairs = review.filter((r) => r.checker_labels).map((r) => ({ w: r.writer_labels, c: r.checker_labels! }));
  const agree = (k: keyof Labels) => pairs.filter((p) => p.w[k] === p.c[k]).length;
  const agreement = {
    checked: pairs.length,
    unchecked: review.length - pairs.length,
    stalking: { agreed: agree('label_stalking'), share: agree('label_stalking') / pairs.length, kappa: kappa(pairs.map((p) => p.w.label_stalking), pairs.map((p) => p.c.label_stalking)) },
    s4a: { agreed: agree('label_s4a'), share: agree('label_s4a') / pairs.length, kappa: kappa(pairs.map((p) => p.w.label_s4a), pairs.map((p) => p.c.label_s4a)) },
    risk: { agreed: agree('label_risk'), share: agree('label_risk') / pairs.length, kappa: kappa(pairs.map((p) => p.w.label_risk), pairs.map((p) => p.c.label_risk)) },
    /** Records where the two readers differed on stalking or s4A; each went to a third reader. */
    disagreements: pairs.filter((p) => p.w.label_stalking !== p.c.label_stalking || p.w.label_s4a !== p.c.label_s4a).length,
    settled: review.filter((r) => r.settled_by).length,
    /** Records whose final labels differ from the writer's (stalking, s4A or, where settled, risk). */
    changed_from_writer: review.filter((r) => JSON.stringify(r.final) !== JSON.stringify(r.writer_labels)).length,
  };
  writeFileSync(join(OUT, 'agreement.json'), `${JSON.stringify(agreement, null, 2)}\n`);
  console.log(JSON.stringify({ train: out.train.length, dev: out.dev.length, test: out.test.length, ...agreement }, null, 2));
}

if (import.meta.url === `file://${process.argv[1]}`) main();
