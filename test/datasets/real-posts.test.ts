// The real-text development and test sets: labels by id and SHA-1 in the repository, texts never. The
// join with the texts is checked when the shared pool is on this machine, and skipped with a message when not.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRealPosts, REAL_POST_LABELS, REAL_POST_TEST_LABELS, realPostLabelSchema, realPostsDir } from '../../datasets/real-posts.ts';
import { PLAN, selectRealPosts } from '../../datasets/select-real-posts.ts';

const read = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);
const lines = read(REAL_POST_LABELS);
const labels = lines.map((l) => realPostLabelSchema.parse(JSON.parse(l)));
const testLines = read(REAL_POST_TEST_LABELS);
const testLabels = testLines.map((l) => realPostLabelSchema.parse(JSON.parse(l)));
const hasTexts = existsSync(realPostsDir());
if (!hasTexts) console.warn(`real-post join skipped: the real posts are not on this machine (${realPostsDir()})`);

describe('real-post labels', () => {
  it('holds at least 800 labelled posts, each once, with a rationale and a confidence mark', () => {
    expect(labels.length).toBeGreaterThanOrEqual(800);
    expect(new Set(labels.map((l) => l.id)).size).toBe(labels.length);
    for (const l of labels) expect(l.rationale.length).toBeGreaterThan(5);
    expect(labels.filter((l) => l.pool === 'random').length).toBeGreaterThanOrEqual(200);
    expect(labels.filter((l) => l.label_stalking).length).toBeGreaterThanOrEqual(50);
  });

  it('keeps no text in the repository: no text field, and no digits (numbers, dates) in rationales', () => {
    for (const line of [...lines, ...testLines]) expect(JSON.parse(line)).not.toHaveProperty('text');
    expect([...labels, ...testLabels].filter((l) => /\d/.test(l.rationale)).map((l) => l.id)).toEqual([]);
  });

  it('keeps the test set apart: other posts, other labellers, each post once, candidates and a random sample', () => {
    const devIds = new Set(labels.map((l) => l.id));
    expect(testLabels.length).toBeGreaterThanOrEqual(500);
    expect(new Set(testLabels.map((l) => l.id)).size).toBe(testLabels.length);
    expect(testLabels.filter((l) => devIds.has(l.id))).toEqual([]);
    const devLabellers = new Set(labels.map((l) => l.labeller));
    expect(testLabels.filter((l) => devLabellers.has(l.labeller))).toEqual([]);
    expect(testLabels.filter((l) => l.pool === 'random').length).toBeGreaterThanOrEqual(150);
    for (const l of testLabels) expect(l.rationale.length).toBeGreaterThan(5);
  });

  it.skipIf(!hasTexts)('joins every label with its text by id, and only when the SHA-1 matches', () => {
    const loaded = loadRealPosts();
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.missing).toBe(0);
    expect(loaded.records.length).toBe(labels.length);
    const test = loadRealPosts(REAL_POST_TEST_LABELS);
    expect(test.ok).toBe(true);
    if (!test.ok) return;
    expect(test.missing).toBe(0);
    expect(test.records.length).toBe(testLabels.length);
  });

  it.skipIf(!hasTexts)('holds exactly the posts select-real-posts.ts chooses for its seed, in the pools it chose them from, as planned', () => {
    const { chosen, second } = selectRealPosts(20261207);
    expect(new Map(chosen.map((c) => [c.id, c.pool]))).toEqual(new Map(testLabels.map((l) => [l.id, l.pool])));
    for (const source of ['lh', 'sc'] as const) {
      for (const pool of ['candidate', 'random'] as const) expect(testLabels.filter((l) => l.id.startsWith(source) && l.pool === pool).length).toBe(PLAN[source][pool]);
    }
    expect(second.length).toBe(150);
    expect(second.every((c) => chosen.includes(c))).toBe(true);
  }, 60_000);

  it('says why it skips when the texts are absent', () => {
    const absent = loadRealPosts(REAL_POST_LABELS, '/nonexistent/real-posts');
    expect(absent).toEqual({ ok: false, reason: expect.stringContaining('not on this machine') });
  });
});
