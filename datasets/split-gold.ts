// Splits the independent gold set ONCE into dev (for fitting thresholds and calibration) and
// test (for reporting only; never tune on it). Seeded and stratified by label_stalking and s4A.
// Run: node --import tsx datasets/split-gold.ts   (writes datasets/gold/{dev,test}.jsonl and split.json)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../eval/bootstrap.ts';
import { labelledRecordSchema } from './schema.ts';

export const SPLIT_SEED = 20261122;
export const TEST_SHARE = 2 / 3;
const dir = join(import.meta.dirname, 'gold');

export function splitIds(records: { id: string; label_stalking: boolean; label_s4a: boolean }[], seed = SPLIT_SEED) {
  const random = mulberry32(seed);
  const strata = new Map<string, string[]>();
  for (const r of [...records].sort((a, b) => a.id.localeCompare(b.id))) {
    const key = `${r.label_stalking}/${r.label_s4a}`;
    strata.set(key, [...(strata.get(key) ?? []), r.id]);
  }
  const dev: string[] = [];
  const test: string[] = [];
  for (const ids of strata.values()) {
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    const nTest = Math.round(ids.length * TEST_SHARE);
    test.push(...ids.slice(0, nTest));
    dev.push(...ids.slice(nTest));
  }
  return { dev: dev.sort(), test: test.sort() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lines = ['part-a.jsonl', 'part-b.jsonl'].flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
  const records = lines.map((l) => labelledRecordSchema.parse(JSON.parse(l)));
  const byId = new Map(records.map((r, i) => [r.id, lines[i]!]));
  const { dev, test } = splitIds(records);
  writeFileSync(join(dir, 'dev.jsonl'), dev.map((id) => byId.get(id)).join('\n') + '\n');
  writeFileSync(join(dir, 'test.jsonl'), test.map((id) => byId.get(id)).join('\n') + '\n');
  writeFileSync(join(dir, 'split.json'), JSON.stringify({ seed: SPLIT_SEED, test_share: TEST_SHARE, stratified_by: ['label_stalking', 'label_s4a'], dev, test }, null, 1) + '\n');
  console.log(`gold: ${records.length} records -> dev ${dev.length}, test ${test.length}`);
}
