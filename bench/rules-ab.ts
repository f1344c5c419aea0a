// Rules-only throughput of two checkouts, alternating in one process, so both see the same machine:
// timings on the development machine swing by a third from hour to hour, which separate runs of
// bench:rules cannot tell from a change.
//   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
//   BENCH_BASELINE=/tmp/base node --import tsx bench/rules-ab.ts
// Prints records/s (median of 5 rounds of 3,000 generated narratives) and one 100 KB narrative (median of 15).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchCorpus, longNarrative } from './corpus.ts';

const baseline = process.env.BENCH_BASELINE;
if (!baseline) throw new Error('set BENCH_BASELINE to the root of the checkout to compare against');
const ROUNDS = 5;
const here = resolve(import.meta.dirname, '..');

async function load(root: string) {
  const at = (p: string) => import(pathToFileURL(resolve(root, p)).href);
  const [{ analyse }, { loadCatalogue }, { loadScorer }] = await Promise.all([at('src/screening/pipeline.ts'), at('src/rules/compile.ts'), at('src/screening/score.ts')]);
  const catalogue = loadCatalogue();
  const scorer = loadScorer();
  const thresholds = { stalking: scorer.stalking.threshold, s4a: scorer.s4a.threshold };
  return (text: string) => analyse({ id: 'ab', text }, catalogue, scorer, thresholds);
}

const corpus = benchCorpus(3000);
const records = corpus.map((r) => r.text);
const big = longNarrative(corpus);
const sides = [
  { name: `baseline ${baseline}`, screen: await load(resolve(baseline)), rates: [] as number[], big: [] as number[] },
  { name: `this checkout ${here}`, screen: await load(here), rates: [] as number[], big: [] as number[] },
];
for (const side of sides) for (const text of records.slice(0, 300)) side.screen(text); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const side of sides) {
    const t0 = performance.now();
    for (const text of records) side.screen(text);
    side.rates.push(records.length / ((performance.now() - t0) / 1000));
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      side.screen(big);
      side.big.push(performance.now() - s);
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const s of sides) console.log(`${s.name}: ${Math.round(median(s.rates))} records/s (rounds ${s.rates.map(Math.round).join(', ')}), 100 KB ${median(s.big).toFixed(1)} ms`);
console.log(`this checkout / baseline: ${(median(sides[1]!.rates) / median(sides[0]!.rates)).toFixed(2)}x records/s, ${(median(sides[0]!.big) / median(sides[1]!.big)).toFixed(2)}x faster on 100 KB`);
