// Hybrid screening throughput: node --import tsx bench/hybrid.bench.ts [--records 200] [--runs 5]
// Not a test: nothing here asserts a time. Reports medians of several runs on 1-2 KB narratives from
// the seeded generator (a seed the development corpus does not use), each run on fresh records:
//   - embedding throughput, clauses per second, straight through the embedder (no cache);
//   - hybrid screening, records per second, screenMany() in batches of 64 records (one embed() call
//     per batch), with the matcher's vector cache on (the default) and off, and how much of the time
//     the main thread waits for embeddings;
//   - rules-only analyse() on the same records, for reference.
import { performance } from 'node:perf_hooks';
import { generateDataset } from '../datasets/generate.ts';
import { closeSharedEmbedder, sharedEmbedder } from '../src/embeddings/registry.ts';
import { prepareDoc, type EmbedderLike } from '../src/embeddings/semantic.ts';
import { loadCatalogue } from '../src/rules/compile.ts';
import { createHybridScreener } from '../src/screening/hybrid.ts';
import { analyse } from '../src/screening/pipeline.ts';
import { loadScorer } from '../src/screening/score.ts';
import type { ScreeningRecord } from '../src/screening/types.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const PER_RUN = arg('records', 200);
const BATCH = 64;
const RUNS = arg('runs', 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]) => `${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))}`;

const catalogue = loadCatalogue();
// Fresh records for every run and configuration (plus one warm-up set), so no run reuses another's sentences.
const configs = 3;
const records: ScreeningRecord[] = generateDataset({ seed: 424242, n: PER_RUN * (RUNS * configs + 1), minChars: 1000, maxChars: 2000, idPrefix: 'bench-' }).map((r) => ({
  id: r.id,
  text: r.text,
  ...(r.recorded_as ? { recorded_as: r.recorded_as } : {}),
  ...(r.relationship ? { relationship: r.relationship } : {}),
}));
const slice = (k: number) => records.slice(k * PER_RUN, (k + 1) * PER_RUN);
const meanKb = records.reduce((s, r) => s + r.text.length, 0) / records.length / 1024;
const clausesPerRecord = records.slice(0, 200).reduce((s, r) => s + prepareDoc(catalogue, r.text).units.length, 0) / Math.min(200, records.length);

const embedder = await sharedEmbedder();
let embedSeconds = 0;
const timed: EmbedderLike = {
  info: () => embedder.info(),
  async embed(texts) {
    const t = performance.now();
    const out = await embedder.embed(texts);
    embedSeconds += (performance.now() - t) / 1000;
    return out;
  },
};

try {
  // Embedding alone: the clauses of a run's records, 256 per embed() call, no cache anywhere.
  const embedRates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const texts = slice(1 + run).flatMap((r) => prepareDoc(catalogue, r.text).units.map((u) => u.text));
    const t = performance.now();
    for (let i = 0; i < texts.length; i += 256) await embedder.embed(texts.slice(i, i + 256));
    embedRates.push(texts.length / ((performance.now() - t) / 1000));
  }

  const screeningRates = async (cacheSize: number, offset: number) => {
    const screener = await createHybridScreener({ embedder: timed, cacheSize });
    await screener.screenMany(slice(0).slice(0, BATCH)); // warm-up (JIT; exemplars already embedded)
    const rates: number[] = [];
    const shares: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const batch = slice(offset + run);
      embedSeconds = 0;
      const t = performance.now();
      for (let i = 0; i < batch.length; i += BATCH) await screener.screenMany(batch.slice(i, i + BATCH));
      const seconds = (performance.now() - t) / 1000;
      rates.push(batch.length / seconds);
      shares.push(embedSeconds / seconds);
    }
    return { rates, share: median(shares), screener };
  };
  const cached = await screeningRates(20_000, 1);
  const uncached = await screeningRates(0, 1 + RUNS);

  const scorer = loadScorer();
  const thresholds = { stalking: scorer.stalking.threshold, s4a: scorer.s4a.threshold };
  const rulesRates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const batch = slice(1 + 2 * RUNS + run);
    const t = performance.now();
    for (const r of batch) analyse(r, catalogue, scorer, thresholds);
    rulesRates.push(batch.length / ((performance.now() - t) / 1000));
  }

  const info = embedder.info();
  console.log(`hybrid screening, ${RUNS} runs of ${PER_RUN} fresh records (mean ${meanKb.toFixed(2)} KB, ${clausesPerRecord.toFixed(1)} clauses each), node ${process.version}`);
  console.log(`model ${info.id}@${info.version}, scorer ${cached.screener.versions.scorer}\n`);
  console.log('| what | median | range over runs |');
  console.log('|---|---:|---|');
  console.log(`| embedding alone (clauses/s, 256 per call, no cache) | ${Math.round(median(embedRates))} | ${range(embedRates)} |`);
  console.log(`| hybrid screenMany, vector cache on (records/s) | ${Math.round(median(cached.rates))} | ${range(cached.rates)} |`);
  console.log(`| hybrid screenMany, vector cache off (records/s) | ${Math.round(median(uncached.rates))} | ${range(uncached.rates)} |`);
  console.log(`| rules-only analyse (records/s) | ${Math.round(median(rulesRates))} | ${range(rulesRates)} |`);
  console.log(`\nshare of hybrid time spent waiting for embeddings: cache on ${(cached.share * 100).toFixed(0)}%, cache off ${(uncached.share * 100).toFixed(0)}%`);
} finally {
  await closeSharedEmbedder();
}
