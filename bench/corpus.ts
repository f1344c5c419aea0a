// The rules benchmarks' corpus (bench:rules, bench/rules-ab.ts): narratives of 1-2 KB built from
// the seeded synthetic generator, short ones joined, and one 100 KB narrative made of the first 80.
import { generateDataset } from '../datasets/generate.ts';
import type { ScreeningRecord } from '../src/screening/types.ts';

export function benchCorpus(n: number): ScreeningRecord[] {
  const pool = generateDataset({ seed: 7, n: 4000 }).map((r) => r.text);
  const records: ScreeningRecord[] = [];
  let k = 0;
  while (records.length < n) {
    let text = pool[k++ % pool.length]!;
    while (text.length < 1000) text += `\n${pool[k++ % pool.length]!}`;
    records.push({ id: `bench-${records.length}`, text: text.slice(0, 2000) });
  }
  return records;
}

/** One 100 KB narrative: the first 80 records of the corpus, joined. */
export const longNarrative = (records: ScreeningRecord[]) => records.slice(0, 80).map((r) => r.text).join('\n').slice(0, 100_000);
