// GroupCommit on its own, with a commit function the test holds open: who goes together, in what
// order, how many at once, and what a failure does to the neighbours.
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/server/group-commit.ts';

interface Job {
  name: string;
  size?: number;
  fails?: boolean;
}

/** A commit function that records each call and stays open until the test releases it. */
function heldCommits() {
  const calls: { jobs: string[]; release: () => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const commit = (jobs: Job[]) =>
    new Promise<string[]>((resolve, reject) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls.push({
        jobs: jobs.map((j) => j.name),
        release: () => {
          inFlight--;
          if (jobs.some((j) => j.fails)) reject(new Error(`commit of ${jobs.map((j) => j.name).join('+')} failed`));
          else resolve(jobs.map((j) => `done:${j.name}`));
        },
      });
    });
  return { calls, commit, maxInFlight: () => maxInFlight };
}

const tick = () => new Promise((r) => setImmediate(r));

/** Releases every commit as it arrives until all the given promises settle. */
async function drain(calls: { release: () => void }[], until: Promise<unknown>) {
  let done = false;
  void until.finally(() => (done = true));
  let released = 0;
  while (!done) {
    await tick();
    while (released < calls.length) calls[released++]!.release();
  }
}

describe('GroupCommit', () => {
  it('commits a job at once when nothing is in flight', async () => {
    const h = heldCommits();
    const gc = new GroupCommit<Job, string>(h.commit, { concurrency: 1, maxSize: 10, size: () => 1 });
    const a = gc.submit({ name: 'a' });
    expect(h.calls.map((c) => c.jobs)).toEqual([['a']]);
    h.calls[0]!.release();
    expect(await a).toBe('done:a');
  });

  it('jobs that arrive while a commit is in flight share the next one, oldest first, and each gets its own result', async () => {
    const h = heldCommits();
    const sizes: number[] = [];
    const gc = new GroupCommit<Job, string>(h.commit, { concurrency: 1, maxSize: 10, size: () => 1, onCommit: (n) => sizes.push(n) });
    const first = gc.submit({ name: 'a' });
    const rest = ['b', 'c', 'd'].map((name) => gc.submit({ name }));
    expect(h.calls.length).toBe(1); // b, c and d wait
    h.calls[0]!.release();
    await first;
    await tick();
    expect(h.calls.map((c) => c.jobs)).toEqual([['a'], ['b', 'c', 'd']]);
    h.calls[1]!.release();
    expect(await Promise.all(rest)).toEqual(['done:b', 'done:c', 'done:d']);
    expect(sizes).toEqual([1, 3]);
  });

  it('never has more than `concurrency` commits in flight', async () => {
    const h = heldCommits();
    const gc = new GroupCommit<Job, string>(h.commit, { concurrency: 2, maxSize: 1, size: () => 1 });
    const all = Promise.all(Array.from({ length: 7 }, (_, i) => gc.submit({ name: `j${i}` })));
    expect(h.calls.length).toBe(2);
    await drain(h.calls, all);
    expect(await all).toEqual(Array.from({ length: 7 }, (_, i) => `done:j${i}`));
    expect(h.maxInFlight()).toBe(2);
    expect(h.calls.map((c) => c.jobs.length)).toEqual([1, 1, 1, 1, 1, 1, 1]); // maxSize 1: one job each
  });

  it('a commit takes waiting jobs while their sizes fit in maxSize, and a job bigger than maxSize goes alone', async () => {
    const h = heldCommits();
    const gc = new GroupCommit<Job, string>(h.commit, { concurrency: 1, maxSize: 10, size: (j) => j.size ?? 1 });
    const jobs = [
      { name: 'hold', size: 1 },
      { name: 'a', size: 4 },
      { name: 'b', size: 6 },
      { name: 'c', size: 1 },
      { name: 'big', size: 25 },
      { name: 'd', size: 2 },
    ];
    const all = Promise.all(jobs.map((j) => gc.submit(j)));
    await drain(h.calls, all);
    expect(h.calls.map((c) => c.jobs)).toEqual([['hold'], ['a', 'b'], ['c'], ['big'], ['d']]);
  });

  it("a failed shared commit is retried job by job, so only the failing job's request fails", async () => {
    const h = heldCommits();
    const gc = new GroupCommit<Job, string>(h.commit, { concurrency: 1, maxSize: 10, size: () => 1 });
    const hold = gc.submit({ name: 'hold' });
    const results = [gc.submit({ name: 'a' }), gc.submit({ name: 'bad', fails: true }), gc.submit({ name: 'c' })].map((p) =>
      p.then(
        (v) => ({ ok: v }),
        (e: Error) => ({ err: e.message }),
      ),
    );
    const all = Promise.all([hold, ...results]);
    await drain(h.calls, all);
    expect(h.calls.map((c) => c.jobs)).toEqual([['hold'], ['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
    expect(await Promise.all(results)).toEqual([{ ok: 'done:a' }, { err: 'commit of bad failed' }, { ok: 'done:c' }]);
  });

  it('a failed commit of one job rejects that job and the queue goes on', async () => {
    const h = heldCommits();
    const gc = new GroupCommit<Job, string>(h.commit, { concurrency: 1, maxSize: 10, size: () => 1 });
    const bad = gc.submit({ name: 'bad', fails: true }).catch((e: Error) => e.message);
    const next = gc.submit({ name: 'next' });
    const all = Promise.all([bad, next]);
    await drain(h.calls, all);
    expect(await all).toEqual(['commit of bad failed', 'done:next']);
    expect(h.calls.map((c) => c.jobs)).toEqual([['bad'], ['next']]);
  });
});
