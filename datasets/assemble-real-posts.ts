// Builds datasets/real-posts/labels.jsonl from the labellers' files: one line per post with its id,
// the SHA-1 of its text (so a changed post is never scored against an old label), how it was chosen,
// the labels, a confidence mark and a rationale in general terms. No text is written.
//   node --import tsx datasets/assemble-real-posts.ts --from DIR
// DIR holds selection.json ([{ id, pool }]: the candidates of a broad search and a random sample)
// and labels-R??.jsonl (the labellers', blind to the rules).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REAL_POST_LABELS, realPostLabelSchema, realPostsDir } from './real-posts.ts';

const { values } = parseArgs({ options: { from: { type: 'string' } } });
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
writeFileSync(REAL_POST_LABELS, `${out.join('\n')}\n`);
console.log(`wrote ${out.length} labels to ${REAL_POST_LABELS}`);
