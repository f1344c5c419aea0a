// Soak test: the load test's mixed traffic for a long run (default 10 minutes at 300 req/s), sampled
// every 30 s, to show whether latency, errors or the server's memory drift over time.
//   node --import tsx scripts/soak.ts [--minutes 10] [--rate 300] [--sample 30] [--pglite]
import { parseArgs } from 'node:util';
import { printReport, runLoad, startServer, type LoadOptions } from './load.ts';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, rate: { type: 'string', default: '300' }, sample: { type: 'string', default: '30' }, pglite: { type: 'boolean', default: false } },
});
const o: LoadOptions = { rate: Number(values.rate), seconds: Math.round(Number(values.minutes) * 60), sample: Number(values.sample), pglite: !!values.pglite, label: 'soak' };
if (!(o.rate > 0 && o.rate <= 5000 && o.seconds > 0 && o.seconds <= 4 * 3600)) throw new Error('bounded runs only: --rate 1..5000, --minutes up to 240');

const server = await startServer({ pglite: o.pglite });
try {
  const r = await runLoad(o, server);
  const rss = r.windows.map((w) => w.rss_mb).filter((x): x is number => x !== null);
  const heap = r.windows.map((w) => w.heap_mb).filter((x): x is number => x !== null);
  const half = Math.floor(r.windows.length / 2);
  const p99 = (ws: typeof r.windows) => Math.max(...ws.map((w) => Math.max(w.p99['/v1/screen'] ?? 0, w.p99['/v1/records'] ?? 0)));
  const drift = {
    rss_mb_first: rss[0] ?? null,
    rss_mb_last: rss.at(-1) ?? null,
    rss_mb_max: rss.length ? Math.max(...rss) : null,
    heap_mb_first: heap[0] ?? null,
    heap_mb_last: heap.at(-1) ?? null,
    worst_window_p99_first_half_ms: half ? p99(r.windows.slice(0, half)) : null,
    worst_window_p99_second_half_ms: half ? p99(r.windows.slice(half)) : null,
  };
  printReport('Soak test', o, o.pglite ? 'pglite' : 'postgres', r, { drift });
  console.log(`\nmemory: RSS ${drift.rss_mb_first} -> ${drift.rss_mb_last} MB (max ${drift.rss_mb_max}); heap ${drift.heap_mb_first} -> ${drift.heap_mb_last} MB; worst window p99 ${drift.worst_window_p99_first_half_ms} ms (first half) vs ${drift.worst_window_p99_second_half_ms} ms (second half)`);
} finally {
  await server.stop();
}
