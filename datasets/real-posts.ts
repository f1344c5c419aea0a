// The real-text development set: labels kept in the project by post id and SHA-1
// (datasets/real-posts/labels.jsonl), texts read at run time from the shared pool
// (../shared/data/real-posts, or REAL_POSTS_DIR), never copied into the repository: the pool's
// licences forbid it (its README). A user's machine does not have the pool; every caller skips with
// a message when it is absent.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { labelledRecordSchema, type LabelledRecord } from './schema.ts';

const ROOT = join(import.meta.dirname, '..');
export const REAL_POST_LABELS = join(ROOT, 'datasets', 'real-posts', 'labels.jsonl');
/** The real-text test set: other posts (datasets/select-real-posts.ts), labelled later by other labellers; nothing is chosen on it. */
export const REAL_POST_TEST_LABELS = join(ROOT, 'datasets', 'real-posts', 'test-labels.jsonl');
export const realPostsDir = () => process.env.REAL_POSTS_DIR ?? join(ROOT, '..', 'shared', 'data', 'real-posts');
/** The shared pool's files, by the prefix of their posts' ids. */
export const POOL_FILES = { lh: 'legal-advice-posts.jsonl', sc: 'safecity-stories.jsonl' } as const;
const POOLS = Object.values(POOL_FILES);

export const realPostLabelSchema = z.object({
  id: z.string().regex(/^(lh|sc)-[0-9a-f]{12}$/),
  sha1: z.string().regex(/^[0-9a-f]{40}$/),
  /** How the post was chosen: a plausible candidate (broad search) or the random sample. */
  pool: z.enum(['candidate', 'random']),
  label_stalking: z.boolean(),
  label_s4a: z.boolean(),
  confidence: z.enum(['high', 'medium', 'low']),
  rationale: z.string(),
  /** Labelled by (helper batch id), and whether a second reader agreed (where checked). */
  labeller: z.string(),
});
export type RealPostLabel = z.infer<typeof realPostLabelSchema>;

/** Whether a labels file holds labels by id and hash (no text): real posts. */
export function isLabelsOnly(firstLine: string): boolean {
  try {
    const v = JSON.parse(firstLine) as Record<string, unknown>;
    return typeof v.sha1 === 'string' && !('text' in v);
  } catch {
    return false;
  }
}

export type RealPostsLoad = { ok: true; records: LabelledRecord[]; missing: number } | { ok: false; reason: string };

/** Joins the labels with the texts; a post whose text is absent or whose SHA-1 differs is counted, not used. */
export function loadRealPosts(labelsPath = REAL_POST_LABELS, dir = realPostsDir()): RealPostsLoad {
  if (!existsSync(labelsPath)) return { ok: false, reason: `no labels at ${labelsPath}` };
  const present = POOLS.filter((f) => existsSync(join(dir, f)));
  if (present.length === 0) return { ok: false, reason: `the real posts are not on this machine (${dir}); set REAL_POSTS_DIR to their folder to evaluate on them` };
  const texts = new Map<string, string>();
  for (const f of present) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const p = JSON.parse(line) as { id: string; text: string };
      texts.set(p.id, p.text);
    }
  }
  const records: LabelledRecord[] = [];
  let missing = 0;
  for (const line of readFileSync(labelsPath, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const label = realPostLabelSchema.parse(JSON.parse(line));
    const text = texts.get(label.id);
    if (text === undefined || createHash('sha1').update(text, 'utf8').digest('hex') !== label.sha1) {
      missing++;
      continue;
    }
    records.push(
      labelledRecordSchema.parse({
        id: label.id,
        text,
        label_stalking: label.label_stalking,
        label_s4a: label.label_s4a,
        confidence: label.confidence,
        scenario: `${label.label_stalking ? 'positive' : 'negative'}:${label.pool}`,
        source: label.id.startsWith('lh-') ? 'legal-advice-post' : 'safecity-story',
      }),
    );
  }
  return { ok: true, records, missing };
}
