// The threaded screener (the server's default in rules mode) must give exactly what the pipeline
// gives on the calling thread, keep concurrent requests apart, and turn a failure in its thread
// into a rejected promise that carries no text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScreener } from '../../src/screening/factory.ts';
import type { Screener } from '../../src/screening/types.ts';
import { loadScorer } from '../../src/screening/score.ts';
import { createThreadedScreener } from '../../src/screening/threaded.ts';
import type { ScreeningRecord } from '../../src/screening/types.ts';

const records: ScreeningRecord[] = readFileSync(join(import.meta.dirname, '..', '..', 'datasets', 'gold', 'dev.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, 60)
  .map((l) => JSON.parse(l) as ScreeningRecord);

describe('threaded screener', () => {
  let threaded: Screener;
  let local: Screener;
  beforeAll(async () => {
    [threaded, local] = await Promise.all([createScreener({ thread: true }), createScreener({})]);
  }, 60_000);
  afterAll(async () => {
    await threaded.close();
    await local.close();
  });

  it('gives the same result as screening on the calling thread, for every record, sent all at once', async () => {
    const [there, here] = await Promise.all([Promise.all(records.map((r) => threaded.screen(r))), Promise.all(records.map((r) => local.screen(r)))]);
    expect(there.map((r) => r.id)).toEqual(records.map((r) => r.id));
    expect(there).toEqual(here);
    expect(there.some((r) => r.stalking_flag)).toBe(true);
    expect(there.some((r) => !r.stalking_flag)).toBe(true);
    expect(threaded.versions).toEqual(local.versions);
    expect(threaded.thresholds).toEqual(local.thresholds);
  });

  it('rejects a record the pipeline throws on, without its text, and goes on screening', async () => {
    const secret = 'a narrative that must never appear in an error';
    const bad = { id: 'bad', text: { secret } } as unknown as ScreeningRecord;
    const error = await threaded.screen(bad).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.name).toBe('TypeError');
    expect(`${error!.message}\n${error!.stack}`).not.toContain(secret);
    const after = await threaded.screen(records[0]!);
    expect(after).toEqual(await local.screen(records[0]!));
  });

  it('refuses work after close', async () => {
    const s = await createScreener({ thread: true });
    await s.close();
    await expect(s.screen(records[0]!)).rejects.toThrow(/closed/);
  }, 60_000);

  it('fails the records in flight when its thread dies, and starts a new thread for the next record', async () => {
    const scorer = loadScorer();
    const crashing = await createThreadedScreener({
      mode: 'rules',
      scorer,
      entry: new URL('../fixtures/crashing-screening-worker.ts', import.meta.url),
    });
    try {
      const crash = crashing.screen({ id: 'crash', text: 'exit now' });
      await expect(crash).rejects.toThrow(/screening thread stopped \(code 3\)/);
      const rules = await createScreener({ mode: 'rules' });
      expect(await crashing.screen(records[1]!)).toEqual(await rules.screen(records[1]!));
      await rules.close();
    } finally {
      await crashing.close();
    }
  }, 60_000);
});
