// Builds datasets/real-posts/labels.jsonl from the labellers' files: one line per post with its id,
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
import { REAL_POST_LABELS, realPostLabelSchema, realPostsDir } from './real-posts.ts';

const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
const to = values.to ?? REAL_POST_LABELS;
if (!values.from) throw new Error('--from DIR is required');
const pools = new Map((JSON.parse(readFileSync(join(values.from, 'selection.json'), 'utf8')) as { id: string; pool: 'candidate' | 'random' }[]).map((s) => [s.id, s.pool]));
const sha1 = new Map<string, string>();
for (const f of ['legal-advice-posts.jsonl', 'safecity-stories.jsonl']) {
  for (const line of readFileSync(join(realPostsDir(), f), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const p = JSON.parse(line) as { id: string; text: string };
    if (pools.has(p.id)) sha1.set(p.id, createHash('sha1').update(p.text, 'utf8').digest('hex'));
  }
}
const out: string[] = [];
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
    out.push(JSON.stringify(label));
  }
}
out.sort();
writeFileSync(to, `${out.join('\n')}\n`);
console.log(`wrote ${out.length} labels to ${to}`);

// Agreement of a second reader (blind to the first labels) with the first, per label: share agreed and Cohen's kappa.
const second = readdirSync(values.from).find((f) => /^second-R\d+-labels\.jsonl$/.test(f));
if (second) {
  const first = new Map(out.map((l) => JSON.parse(l) as { id: string; label_stalking: boolean; label_s4a: boolean }).map((l) => [l.id, l]));
  const pairs = readFileSync(join(values.from, second), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { id: string; label_stalking: boolean; label_s4a: boolean })
    .flatMap((b) => (first.has(b.id) ? [[first.get(b.id)!, { ...b, label_s4a: b.label_stalking && b.label_s4a }] as const] : []));
  const kappa = (key: 'label_stalking' | 'label_s4a') => {
    const n = pairs.length;
    const agreed = pairs.filter(([a, b]) => a[key] === b[key]).length;
    const pa = pairs.filter(([a]) => a[key]).length / n;
    const pb = pairs.filter(([, b]) => b[key]).length / n;
    const chance = pa * pb + (1 - pa) * (1 - pb);
    return { agreed, kappa: chance === 1 ? 1 : Math.round(((agreed / n - chance) / (1 - chance)) * 1000) / 1000, first: pairs.filter(([a]) => a[key]).length, second: pairs.filter(([, b]) => b[key]).length };
  };
  const agreement = { checked: pairs.length, second_reader: second.replace(/^second-|-labels\.jsonl$/g, ''), stalking: kappa('label_stalking'), s4a: kappa('label_s4a') };
  const path = to.replace(/\.jsonl$/, '-agreement.json');
  writeFileSync(path, `${JSON.stringify(agreement, null, 2)}\n`);
  console.log(`agreement on ${pairs.length} posts: stalking ${agreement.stalking.agreed} (kappa ${agreement.stalking.kappa}), s4A ${agreement.s4a.agreed} (kappa ${agreement.s4a.kappa}) -> ${path}`);
}
