// Chooses the posts of the real-text test set (datasets/real-posts/test-labels.jsonl) from those the
// development set does not hold: plausible candidates of a broad search and a random sample of the
// rest, in each pool, deterministic for a seed. Writes the selection and one batch of texts per
// labeller to a folder OUTSIDE the repository (the texts never enter it):
//   node --import tsx datasets/select-real-posts.ts --out DIR [--seed 20261207]
// The labellers (blind to the rules and the models) write DIR/labels-R06.jsonl ... from
// DIR/batch-R06.jsonl ...; the second reader writes DIR/second-R09-labels.jsonl from
// DIR/second-R09.jsonl. Then
//   node --import tsx datasets/assemble-real-posts.ts --from DIR --to datasets/real-posts/test-labels.jsonl
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../eval/bootstrap.ts';
import { POOL_FILES, REAL_POST_LABELS, realPostsDir } from './real-posts.ts';

/** How many of each pool: candidates and a random sample, per source. */
export const PLAN = { lh: { candidate: 140, random: 100 }, sc: { candidate: 260, random: 100 } } as const;
const LABELLERS = ['R06', 'R07', 'R08'];
const SECOND_READER = 'R09';
/** The broad search: any word a stalking account might use, and many that one-off incidents use too. */
const CANDIDATE =
  /stalk|follow|harass|turn(?:s|ed)? up|show(?:s|ed)? up|block|watch|track|\bgps\b|again|keeps?|kept|every ?(?:day|night|time|morning|evening)|daily|always|repeated|constantly|continuous|restraining|protective order|no.contact|won'?t leave|messag|calls? me|calling me|texts? me|outside my|near my (?:house|home)|same (?:man|guy|boy|person)/i;

export interface Chosen {
  id: string;
  pool: 'candidate' | 'random';
  text: string;
}

/**
 * The test set's posts, shuffled, for a seed, and the second reader's 150 of them (drawn on). SafeCity holds lightly edited copies of the same
 * story under other ids, so a post is left out when half its word 4-grams are already among those
 * of the development posts and the posts chosen before it, pooled (a pooled check: it also leaves out
 * some short, formulaic posts that copy nothing; the labelled set was chosen this way).
 */
export function selectRealPosts(seed: number, dir = realPostsDir()): { chosen: Chosen[]; second: Chosen[] } {
  const random = mulberry32(seed);
  const shuffle = <T>(xs: T[]) => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  };
  const shingles = (text: string) => {
    const w = text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
    return new Set(w.length < 4 ? [w.join(' ')] : w.slice(3).map((_, i) => w.slice(i, i + 4).join(' ')));
  };
  const known = new Set<string>();
  const isNearCopy = (text: string) => {
    const s = shingles(text);
    let shared = 0;
    for (const g of s) if (known.has(g)) shared++;
    return shared >= 0.5 * s.size;
  };
  const remember = (text: string) => shingles(text).forEach((g) => known.add(g));

  const taken = new Set(readFileSync(REAL_POST_LABELS, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id));
  const chosen: Chosen[] = [];
  for (const source of ['lh', 'sc'] as const) {
    const file = POOL_FILES[source];
    const posts = readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; text: string });
    for (const p of posts) if (taken.has(p.id)) remember(p.text);
    const fresh = posts.filter((p) => !taken.has(p.id) && p.text.trim().length > 0);
    const take = (pool: typeof fresh, n: number, as: Chosen['pool']) => {
      for (const p of shuffle(pool)) {
        if (n === 0) break;
        if (isNearCopy(p.text)) continue;
        remember(p.text);
        chosen.push({ id: p.id, text: p.text, pool: as });
        n--;
      }
      if (n > 0) throw new Error(`${source} ${as}: ${n} posts short of the plan`);
    };
    take(fresh.filter((p) => CANDIDATE.test(p.text)), PLAN[source].candidate, 'candidate');
    take(fresh.filter((p) => !CANDIDATE.test(p.text)), PLAN[source].random, 'random');
  }
  shuffle(chosen);
  // A second reader labels a quarter of them, blind to the first labels, for the agreement figures.
  return { chosen, second: shuffle([...chosen]).slice(0, 150) };
}

function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' }, seed: { type: 'string', default: '20261207' } } });
  if (!values.out) throw new Error('--out DIR is required (outside the repository)');
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new Error(`--seed must be an integer from 0 to 2^32-1, not ${values.seed}`);
  const outDir = resolve(values.out);
  // Compared as real paths: a symlink into the repository is the repository.
  const repo = realpathSync(resolve(import.meta.dirname, '..'));
  let existing = outDir;
  while (!existsSync(existing)) existing = dirname(existing);
  const rel = relative(repo, join(realpathSync(existing), relative(existing, outDir)));
  if (!rel.startsWith('..') && !isAbsolute(rel)) throw new Error('--out must be outside the repository: the batches hold the texts');

  const { chosen, second } = selectRealPosts(seed);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'selection.json'), JSON.stringify(chosen.map(({ id, pool }) => ({ id, pool }))));
  LABELLERS.forEach((who, k) => {
    const batch = chosen.filter((_, i) => i % LABELLERS.length === k);
    writeFileSync(join(outDir, `batch-${who}.jsonl`), batch.map(({ id, text }) => JSON.stringify({ id, text })).join('\n') + '\n');
  });
  writeFileSync(join(outDir, `second-${SECOND_READER}.jsonl`), second.map(({ id, text }) => JSON.stringify({ id, text })).join('\n') + '\n');
  console.log(`chose ${chosen.length} posts (${chosen.filter((c) => c.pool === 'candidate').length} candidates) for ${LABELLERS.join(', ')} and ${SECOND_READER} in ${outDir}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
