// Writes the seeded synthetic development corpus:
//   node --import tsx datasets/generate.ts --seed 20261122 --n 6000 --out datasets/synthetic/dev.jsonl
// Same seed and n give the same bytes. Every record is checked against the labelled schema first.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { labelledRecordSchema } from './schema.ts';
import { generateDataset, toJsonl } from './generator/index.ts';

export { generateDataset, toJsonl } from './generator/index.ts';

function main(argv: string[]): number {
  let values: { seed?: string; n?: string; out?: string; prefix?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { seed: { type: 'string' }, n: { type: 'string' }, out: { type: 'string' }, prefix: { type: 'string' } } }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const seed = Number(values.seed);
  const n = Number(values.n);
  if (!values.out || !Number.isInteger(seed) || !Number.isInteger(n) || n < 1) {
    process.stderr.write('usage: node --import tsx datasets/generate.ts --seed INT --n INT --out FILE [--prefix ID_PREFIX]\n');
    return 2;
  }
  const records = generateDataset({ seed, n, ...(values.prefix ? { idPrefix: values.prefix } : {}) });
  for (const [i, r] of records.entries()) {
    const parsed = labelledRecordSchema.safeParse(r);
    if (!parsed.success) {
      process.stderr.write(`record ${i + 1} (${r.id}) fails the schema: ${parsed.error.issues[0]?.message}\n`);
      return 1;
    }
  }
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, toJsonl(records));
  const positives = records.filter((r) => r.label_stalking).length;
  const s4a = records.filter((r) => r.label_s4a).length;
  process.stdout.write(`wrote ${records.length} records to ${values.out} (stalking ${positives}, s4A ${s4a})\n`);
  return 0;
}

// Run only as a script, so tests can import generateDataset from here without writing files.
if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
