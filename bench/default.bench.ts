// npm run bench:default (part of npm run bench): the default screener (rules + text model + combining
// scorer) on one core: onnxruntime with one thread, records screened in batches of 32 as eval and
// `screen` send them, and one at a time as a single API request does. Medians; nothing asserted.
import { performance } from 'node:perf_hooks';
import { createCombinedCore } from '../src/screening/combined.ts';
import { loadScorer } from '../src/screening/score.ts';
import { benchCorpus, longNarrative } from './corpus.ts';

const RUNS = 5;
const N = 3_000;
const BATCH = 32;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

const core = await createCombinedCore({ scorer: loadScorer() });
const records = benchCorpus(N);
const meanKb = records.reduce((s, r) => s + r.text.length, 0) / records.length / 1024;
for (let i = 0; i < 300; i += BATCH) await core.screenBatch(records.slice(i, i + BATCH)); // warm-up

const rates: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += BATCH) await core.screenBatch(records.slice(i, i + BATCH));
  rates.push(records.length / ((performance.now() - t0) / 1000));
}

const single: number[] = [];
for (const r of records.slice(0, 500)) {
  const s = performance.now();
  await core.screenBatch([r]);
  single.push(performance.now() - s);
}

const long = longNarrative(records);
const longTimes: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const s = performance.now();
  await core.screenBatch([{ id: 'long', text: long }]);
  longTimes.push(performance.now() - s);
}

console.log(`default screener (${core.versions.scorer}; ${core.versions.model}), one core, ${N.toLocaleString()} records (mean ${meanKb.toFixed(2)} KB), ${RUNS} runs`);
console.log(`  throughput, batches of ${BATCH}: median ${Math.round(median(rates)).toLocaleString()} records/s (runs: ${rates.map((r) => Math.round(r)).join(', ')})`);
console.log(`  one record at a time: median ${median(single).toFixed(2)} ms, p99 ${quantile(single, 0.99).toFixed(2)} ms (500 records)`);
console.log(`  one ${Math.round(long.length / 1024)} KB narrative: median ${median(longTimes).toFixed(1)} ms (first, cold: ${longTimes[0]!.toFixed(1)} ms)`);
await core.close();
