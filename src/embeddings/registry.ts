// Which embedding model to use and where models live. Configuration:
//   EMBEDDING_MODEL  model id (default wink-sg-100d); a hub-style id "owner/name" lives in models/owner/name
//   MODELS_DIR       the models directory (default: models/ at the repository root)
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isValidModelId, MANIFEST_FILE, ModelIntegrityError, verifyModelDir } from './manifest.ts';
import { Embedder, type EmbedderOptions } from './embedder.ts';

export const DEFAULT_MODEL_ID = 'wink-sg-100d';

const REPOSITORY_MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

export { isValidModelId };

export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.MODELS_DIR?.trim();
  return configured ? (isAbsolute(configured) ? configured : resolve(configured)) : REPOSITORY_MODELS_DIR.replace(/\/$/, '');
}

export function selectedModelId(env: NodeJS.ProcessEnv = process.env): string {
  const id = env.EMBEDDING_MODEL?.trim() || DEFAULT_MODEL_ID;
  if (!isValidModelId(id)) throw new Error(`EMBEDDING_MODEL=${JSON.stringify(id)} is not a model id (expected "name" or "owner/name")`);
  return id;
}

export function modelDir(id: string, dir = modelsDir()): string {
  if (!isValidModelId(id)) throw new Error(`${JSON.stringify(id)} is not a model id`);
  return join(dir, ...id.split('/'));
}

export interface InstalledModel {
  id: string;
  dir: string;
  version?: string;
  dimensions?: number;
  digest?: string;
  /** Empty when the directory matches its manifest. */
  problems: string[];
}

/** Every directory (one or two levels below models/) that holds a manifest, with its checksum status. */
export async function listInstalledModels(dir = modelsDir()): Promise<InstalledModel[]> {
  const found: string[] = [];
  const subdirs = async (p: string) =>
    (await readdir(p, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  const hasManifest = async (p: string) => (await readdir(p).catch(() => [] as string[])).includes(MANIFEST_FILE);
  for (const a of await subdirs(dir)) {
    if (await hasManifest(join(dir, a))) found.push(a);
    else for (const b of await subdirs(join(dir, a))) if (await hasManifest(join(dir, a, b))) found.push(`${a}/${b}`);
  }
  const out: InstalledModel[] = [];
  for (const id of found.sort()) {
    const path = join(dir, ...id.split('/'));
    try {
      const v = await verifyModelDir(path);
      const problems = [...v.problems];
      if (v.manifest.id !== id) problems.push(`manifest id ${JSON.stringify(v.manifest.id)} does not match the directory`);
      out.push({ id, dir: path, version: v.manifest.version, dimensions: v.manifest.dimensions, digest: v.digest, problems });
    } catch (err) {
      out.push({ id, dir: path, problems: [err instanceof ModelIntegrityError ? err.message : String(err)] });
    }
  }
  return out;
}

let shared: { key: string; embedder: Promise<Embedder> } | undefined;

/**
 * The process-wide embedder for the configured model, loaded once (worker thread, warm-up) and reused.
 * Callers that only need vectors should use this rather than creating their own.
 */
export function sharedEmbedder(options: Omit<EmbedderOptions, 'modelId' | 'modelsDir'> = {}): Promise<Embedder> {
  const modelId = selectedModelId();
  const dir = modelsDir();
  const key = `${dir}\0${modelId}`;
  if (!shared || shared.key !== key) {
    const embedder = Embedder.load({ ...options, modelId, modelsDir: dir });
    // A failed load is not cached, so a later call (after `models build`) can succeed.
    embedder.catch(() => {
      if (shared?.embedder === embedder) shared = undefined;
    });
    shared = { key, embedder };
  }
  return shared.embedder;
}

export async function closeSharedEmbedder(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current) await (await current.embedder.catch(() => undefined))?.close();
}
