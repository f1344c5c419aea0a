// Shared set-up for the embedding tests: the real model in the repository's models/ directory.
import { fileURLToPath } from 'node:url';
import { buildWinkModel, WINK_MODEL_ID } from '../../src/embeddings/wink-model-builder.ts';

export const REPO_MODELS_DIR = fileURLToPath(new URL('../../models', import.meta.url));
export const MODEL_ID = WINK_MODEL_ID;

/**
 * Makes sure models/wink-sg-100d is built and matches its manifest. The build is idempotent: with the
 * committed model it only checks checksums (a few seconds); without it, it builds (~20 s).
 */
export async function ensureModel(): Promise<void> {
  await buildWinkModel({ modelsDir: REPO_MODELS_DIR });
}
