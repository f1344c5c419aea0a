// Builds a real-post labels file (datasets/real-posts/labels.jsonl, or test-labels.jsonl) from the labellers' files: one line per post with its id,
// the SHA-1 of its text (so a changed post is never scored against an old label), how it was chosen,
// the labels, a confidence mark and a rationale in general terms. No text is written.
//   node --import tsx datasets/assemble-real-posts.ts --from DIR [--to FILE]
// DIR holds selection.json ([{ id, pool }]: the candidates of a broad search and a random sample)
// and labels-R??.jsonl (the labellers', blind to the rules); FILE defaults to the development set's
// labels. Where DIR also holds a second reader's second-R??-labels.jsonl (datasets/select-real-posts.ts),
// the agreement is written beside FILE (FILE's name with -agreement.json).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { kappa } from './assemble-blind.ts';
import { POOL_FILES, REAL_POST_LABELS, realPostLabelSchema, realPostsDir, type RealPostLabel } from './real-posts.ts';

const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
const to = values.to ?? REAL_POST_LABELS;
if (!values.from) throw new Error('--from DIR is required');
const pools = new Map((JSON.parse(readFileSync(join(values.from, 'selection.json'), 'utf8')) as { id: string; pool: 'candidate' | 'random' }[]).map((s) => [s.id, s.pool]));
const sha1 = new Map<string, string>();
for (const f of Object.values(POOL_FILES)) {
  for (const line of readFileSync(join(realPostsDir(), f), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const p = JSON.parse(line) as { id: string; text: string };
    if (pools.has(p.id)) sha1.set(p.id, createHash('sha1').update(p.text, 'utf8').digest('hex'));
  }
}
const out: RealPostLabel[] = [];
for (const f of readdirSync(values.from).filter((f) => /^labels-R\d+\.jsonl$/.test(f)).sort()) {
  const labeller = f.replace(/^labels-|\.jsonl$/g, '');
  for (const line of readFileSync(join(values.from, f), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const l = JSON.parse(line) as Record<string, unknown>;
    const id = String(l.id);
    const label = realPostLabelSchema.parse({
      id,
      sha1: sha1.get(id),
      pool: pools.get(id),
      label_stalking: l.label_stalking,
      label_s4a: Boolean(l.label_stalking) && Boolean(l.label_s4a),
      confidence: l.confidence,
      rationale: String(l.rationale ?? ''),
      labeller,
    });
    out.push(label);
  }
}
out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
writeFileSync(to, `${out.map((l) => JSON.stringify(l)).join('\n')}\n`);
console.log(`wrote ${out.length} labels to ${to}`);

// Agreement of a second reader (blind to the first labels) with the first, per label: share agreed and Cohen's kappa.
const second = readdirSync(values.from).find((f) => /^second-R\d+-labels\.jsonl$/.test(f));
if (second) {
  const reading = z.object({ id: z.string(), label_stalking: z.boolean(), label_s4a: z.boolean() });
  const first = new Map(out.map((l) => [l.id, l]));
  const pairs = readFileSync(join(values.from, second), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => reading.parse(JSON.parse(l)))
    .flatMap((b) => (first.has(b.id) ? [[first.get(b.id)!, { ...b, label_s4a: b.label_stalking && b.label_s4a }] as const] : []));
  if (pairs.length === 0) throw new Error(`${second} names none of the labelled posts`);
  const agreementOn = (key: 'label_stalking' | 'label_s4a') => {
    const a = pairs.map(([x]) => x[key]);
    const b = pairs.map(([, y]) => y[key]);
    const both = pairs.filter(([x, y]) => x[key] && y[key]).length;
    const positivesFirst = a.filter(Boolean).length;
    const positivesSecond = b.filter(Boolean).length;
    return {
      agreed: pairs.filter(([x, y]) => x[key] === y[key]).length,
      kappa: Math.round(kappa(a, b) * 1000) / 1000,
      // Agreement on positives (2 x both / (first + second)): kappa over a set of mostly negatives hides how often readers differ on what is stalking.
      positive_agreement: positivesFirst + positivesSecond === 0 ? null : Math.round(((2 * both) / (positivesFirst + positivesSecond)) * 1000) / 1000,
      first: positivesFirst,
      second: positivesSecond,
    };
  };
  const agreement = { checked: pairs.length, second_reader: second.replace(/^second-|-labels\.jsonl$/g, ''), stalking: agreementOn('label_stalking'), s4a: agreementOn('label_s4a') };
  const path = `${to.replace(/\.jsonl$/, '')}-agreement.json`;
  writeFileSync(path, `${JSON.stringify(agreement, null, 2)}\n`);
  console.log(`agreement on ${pairs.length} posts: stalking ${agreement.stalking.agreed} (kappa ${agreement.stalking.kappa}, on positives ${agreement.stalking.positive_agreement}), s4A ${agreement.s4a.agreed} (kappa ${agreement.s4a.kappa}) -> ${path}`);
}
