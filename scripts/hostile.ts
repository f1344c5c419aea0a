// Hostile-input run: the seeded hostile bodies (test/hostile/bodies.ts) against every write route of
// the API and the console via app.inject() (embedded PGlite in memory). By default every body goes to
// every route; the vitest test sends each body to one route in rotation to fit the CI budget.
//   node --import tsx scripts/hostile.ts [--bodies 10000] [--seed 20261122] [--routes-per-body N]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { hostileBodies } from '../test/hostile/bodies.ts';
import { prototypePollution, runHostile, writeRoutes } from '../test/hostile/run.ts';
import { createTestDatabase, testApp } from '../test/server/helpers.ts';
import { machine } from './load.ts';

const { values } = parseArgs({ options: { bodies: { type: 'string', default: '10000' }, seed: { type: 'string', default: '20261122' }, 'routes-per-body': { type: 'string' } } });
const n = Number(values.bodies);
const seed = Number(values.seed);

const bodies = hostileBodies(seed, n);
const kinds: Record<string, number> = {};
for (const b of bodies) {
  const k = b.kind.replace(/-\d+$/, '').replace(/^(deep|huge)-.*/, '$1').replace(/^content-type:.*/, 'wrong content type');
  kinds[k] = (kinds[k] ?? 0) + 1;
}
const tdb = await createTestDatabase('pglite');
const app = await testApp(tdb.store);
try {
  const routes = await writeRoutes(app, tdb.store);
  const report = await runHostile(app, routes, bodies, values['routes-per-body'] ? { routesPerBody: Number(values['routes-per-body']) } : {});
  const leaks = prototypePollution();
  const alive = (await app.inject('/healthz')).statusCode;
  console.log(`\nHostile input: ${new Date().toISOString()}; ${machine()}; 1-min load average ${loadavg()[0]!.toFixed(1)}`);
  console.log(`${n} bodies (seed ${seed}): ${JSON.stringify(kinds)}`);
  console.log(`${report.requests} requests over ${routes.length} write routes in ${(report.milliseconds / 1000).toFixed(1)} s\n`);
  console.log('| route | answers by status |');
  console.log('|---|---|');
  for (const [route, counts] of Object.entries(report.byRoute)) console.log(`| ${route} | ${JSON.stringify(counts)} |`);
  console.log(`\n5xx: ${Object.entries(report.byStatus).filter(([s]) => Number(s) >= 500).reduce((a, [, c]) => a + c, 0)}; API errors naming no field: ${report.unnamedField}; failures: ${report.failures.length}`);
  console.log(`prototype pollution: ${leaks.length ? leaks.join(', ') : 'none'} (({}).polluted === ${String(({} as Record<string, unknown>).polluted)}); /healthz afterwards: ${alive}`);
  for (const f of report.failures.slice(0, 20)) console.log(`FAILURE ${JSON.stringify(f)}`);
  process.exitCode = report.failures.length || leaks.length || alive !== 200 ? 1 : 0;
} finally {
  await app.close();
  await tdb.drop();
}
