// The real posts' texts never enter the repository, not even as excerpts (their terms:
// ../shared/data/real-posts/README.md). When the posts are on this machine, every text file the
// project wrote itself (code, rules and their test sentences, tests, scripts, docs, model fixtures,
// the real-post label files and their rationales) is checked for any run of eight words that also
// occurs in a post; skipped with a message when not.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { realPostsDir } from '../../datasets/real-posts.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const RUN = 8;
const hasTexts = existsSync(realPostsDir());
if (!hasTexts) console.warn(`real-text excerpt check skipped: the real posts are not on this machine (${realPostsDir()})`);

const words = (text: string) => text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);

/** The real posts' label files: their rationales were written while reading the posts. (Other JSONL data was written without them.) */
const isRealPostLabels = (path: string) => path.endsWith('.jsonl') && relative(ROOT, path).startsWith(join('datasets', 'real-posts'));

/** The project's own text files: not node_modules, not generated reports, not the blind-written data (its own provenance). */
function ownFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (['node_modules', '.git', 'data', 'results'].includes(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (relative(ROOT, path) === join('datasets', 'blind')) continue;
      ownFiles(path, out);
    } else if ((/\.(?:ts|mts|py|ya?ml|md|json|sh)$/.test(name) || isRealPostLabels(path)) && statSync(path).size < 5_000_000) out.push(path);
  }
  return out;
}

describe('real posts', () => {
  it.skipIf(!hasTexts)(`appear nowhere in the project's files (no run of ${RUN} words in common)`, () => {
    const runs = new Set<string>();
    for (const file of readdirSync(realPostsDir()).filter((f) => f.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(realPostsDir(), file), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const w = words((JSON.parse(line) as { text: string }).text);
        for (let i = 0; i + RUN <= w.length; i++) runs.add(w.slice(i, i + RUN).join(' '));
      }
    }
    expect(runs.size).toBeGreaterThan(100_000);
    const found: string[] = [];
    for (const path of ownFiles(ROOT)) {
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((text, n) => {
          const w = words(text);
          for (let i = 0; i + RUN <= w.length; i++) {
            if (runs.has(w.slice(i, i + RUN).join(' '))) {
              // Where, never what: the message must not quote the post either.
              found.push(`${relative(ROOT, path)}:${n + 1}`);
              break;
            }
          }
        });
    }
    expect(found).toEqual([]);
  }, 120_000);
});
