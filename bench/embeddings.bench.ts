// Embedding throughput of the configured model (default wink-sg-100d), through the worker thread:
//   node --import tsx bench/embeddings.bench.ts
// For each batch size (sentences per embed() call), 5 timed runs after a warm-up; prints the median.
import { Embedder } from '../src/embeddings/embedder.ts';
import { modelsDir, selectedModelId } from '../src/embeddings/registry.ts';

const RUNS = 5;
const PLAN = [
  { batch: 1, sentences: 200 },
  { batch: 32, sentences: 2048 },
];

// Sentences shaped like control-room and crime-report narrative, varied so no two are identical.
const subjects = ['he', 'the suspect', 'her ex-partner', 'the male', 'a former colleague'];
const acts = [
  'has been following her home from the station',
  'keeps sending messages from withheld numbers late at night',
  'was seen waiting outside her workplace again this morning',
  'left flowers and a letter on the doorstep despite being told to stop',
  'created new social media accounts to contact her after being blocked',
  'turned up at the gym and watched her through the window',
];
const tails = ['', ' and she is now too frightened to go out alone.', ', which has happened at least three times this week.', '; she has changed her route to work.'];
const sentence = (i: number) => `${subjects[i % 5]} ${acts[(i >> 2) % 6]}${tails[(i >> 4) % 4]} (ref ${i})`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const embedder = await Embedder.load({ modelId: selectedModelId(), modelsDir: modelsDir() });
try {
  await embedder.embed(Array.from({ length: 64 }, (_, i) => sentence(i)));
  const rows: string[] = [];
  for (const { batch, sentences } of PLAN) {
    const rates: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const texts = Array.from({ length: sentences }, (_, i) => sentence(i + run * sentences));
      const start = process.hrtime.bigint();
      for (let i = 0; i < texts.length; i += batch) await embedder.embed(texts.slice(i, i + batch));
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      rates.push(sentences / seconds);
    }
    rows.push(`| ${String(batch).padStart(5)} | ${String(sentences).padStart(9)} | ${median(rates).toFixed(0).padStart(15)} | ${Math.min(...rates).toFixed(0).padStart(5)}-${Math.max(...rates).toFixed(0).padEnd(5)} |`);
  }
  const info = embedder.info();
  console.log(`model ${info.id}@${info.version} (${info.dimensions}-d), ${RUNS} runs per row, node ${process.version}\n`);
  console.log('| batch | sentences | median sent/s   | range       |');
  console.log('|------:|----------:|----------------:|-------------|');
  for (const r of rows) console.log(r);
} finally {
  await embedder.close();
}
