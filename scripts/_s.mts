import { createScreener } from '../src/screening/factory.ts';
const s = await createScreener();
for (const text of process.argv.slice(2)) {
  const r = await s.screen({ id: 'x', text });
  console.log(r.stalking_score, r.s4a_score, r.high_risk_score, r.risk_level, r.flags.join(','), '|', text);
}
await s.close();
