// Getting models onto a machine: `models import` (air-gapped: a directory or tarball carried across,
// accepted only when every file matches its manifest) and `models pull` (connected machine: fetch a
// hub model's files and write a manifest with their checksums, ready to carry across).
import { execFile } from 'node:child_process';
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { MANIFEST_FILE, ModelIntegrityError, checksumFiles, verifyModelDir, writeManifest, type ModelManifest } from './manifest.ts';
import { isValidModelId, modelDir } from './registry.ts';

export interface InstallResult {
  id: string;
  dir: string;
  digest: string;
  /** 'unchanged' when the same bytes were already installed. */
  status: 'installed' | 'unchanged';
}

const TARBALL = /\.(tar|tar\.gz|tgz)$/i;

async function findManifestDirs(root: string, depth: number): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  if (entries.some((e) => e.isFile() && e.name === MANIFEST_FILE)) return [root];
  if (depth === 0) return [];
  const found: string[] = [];
  for (const e of entries) if (e.isDirectory()) found.push(...(await findManifestDirs(join(root, e.name), depth - 1)));
  return found;
}

/** Moves a verified staging directory into models/, refusing to replace different bytes without force. */
async function install(staging: string, modelsDir: string, force: boolean): Promise<InstallResult> {
  const checked = await verifyModelDir(staging);
  const id = checked.manifest.id;
  if (!isValidModelId(id)) throw new ModelIntegrityError(`manifest id ${JSON.stringify(id)} is not a model id`);
  if (checked.problems.length > 0) {
    throw new ModelIntegrityError(`refusing to install "${id}": it does not match its manifest:\n  - ${checked.problems.join('\n  - ')}`, checked.problems);
  }
  const dest = modelDir(id, modelsDir);
  const existing = await verifyModelDir(dest).catch(() => undefined);
  if (existing && existing.problems.length === 0 && existing.digest === checked.digest) {
    return { id, dir: dest, digest: checked.digest, status: 'unchanged' };
  }
  if ((await lstat(dest).catch(() => undefined)) && !force) {
    throw new Error(`${dest} already exists with different content; pass --force to replace it`);
  }
  await rm(dest, { recursive: true, force: true });
  await mkdir(dirname(dest), { recursive: true });
  await rename(staging, dest);
  return { id, dir: dest, digest: checked.digest, status: 'installed' };
}

/**
 * Imports a model directory (holding manifest.json) or a .tar/.tar.gz/.tgz of one. The source is
 * verified before anything is copied, and the copy is verified again before it replaces anything.
 */
export async function importModel(source: string, modelsDir: string, options: { force?: boolean } = {}): Promise<InstallResult> {
  const stat = await lstat(source).catch(() => undefined);
  if (!stat) throw new Error(`${source} does not exist`);
  const scratch = await mkdtemp(join(tmpdir(), 'model-import-'));
  try {
    let root = source;
    if (stat.isFile()) {
      if (!TARBALL.test(source)) throw new Error(`${source} is neither a directory nor a .tar, .tar.gz or .tgz file`);
      root = join(scratch, 'extracted');
      await mkdir(root);
      // GNU tar refuses absolute and ".." member names by default; ownership is not restored.
      await promisify(execFile)('tar', ['-xf', source, '-C', root, '--no-same-owner', '--no-same-permissions']).catch((err: Error) => {
        throw new Error(`cannot extract ${source}: ${err.message}`, { cause: err });
      });
    } else if (!stat.isDirectory()) {
      throw new Error(`${source} is neither a directory nor a tarball`);
    }
    const candidates = await findManifestDirs(root, 3);
    if (candidates.length !== 1) {
      throw new ModelIntegrityError(candidates.length === 0 ? `no ${MANIFEST_FILE} found in ${source}` : `${source} holds ${candidates.length} models; import one at a time`);
    }
    const modelRoot = candidates[0]!;
    const before = await verifyModelDir(modelRoot);
    if (before.problems.length > 0) {
      throw new ModelIntegrityError(`refusing to import "${before.manifest.id}" from ${source}: it does not match its manifest:\n  - ${before.problems.join('\n  - ')}`, before.problems);
    }
    await mkdir(modelsDir, { recursive: true });
    // Staged inside models/ so the final rename stays on one file system.
    const staging = await mkdtemp(join(modelsDir, '.import-'));
    try {
      await cp(modelRoot, staging, { recursive: true, verbatimSymlinks: true });
      return await install(staging, modelsDir, options.force ?? false);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export interface PullOptions {
  revision?: string;
  /** Fetch onnx/model.onnx (full precision) instead of onnx/model_quantized.onnx. */
  unquantized?: boolean;
  force?: boolean;
  /** Defaults to HF_ENDPOINT or https://huggingface.co. */
  endpoint?: string;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

/** Validates a hub id for `models pull`: "owner/name", nothing that could escape models/. */
export function checkHubId(id: string | undefined): string {
  if (!id) throw new UsageError('models pull needs a hub model id, e.g. Xenova/all-MiniLM-L6-v2');
  if (id.split('/').length !== 2 || !isValidModelId(id)) throw new UsageError(`${JSON.stringify(id)} is not a hub model id (expected owner/name, e.g. Xenova/all-MiniLM-L6-v2)`);
  return id;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Downloads a hub model's transformers.js files into models/<owner>/<name> with a checksummed manifest. */
export async function pullModel(hubId: string, modelsDir: string, options: PullOptions = {}): Promise<InstallResult> {
  const id = checkHubId(hubId);
  const revision = options.revision ?? 'main';
  const endpoint = (options.endpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const onnxFile = options.unquantized ? 'onnx/model.onnx' : 'onnx/model_quantized.onnx';
  const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', onnxFile];
  await mkdir(modelsDir, { recursive: true });
  const staging = await mkdtemp(join(modelsDir, '.pull-'));
  try {
    let commit: string | undefined;
    for (const file of files) {
      const url = `${endpoint}/${id}/resolve/${encodeURIComponent(revision)}/${file}`;
      options.log?.(`fetching ${url}`);
      let response: Response;
      try {
        response = await doFetch(url);
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(
          `cannot reach ${endpoint} (${cause?.code ?? cause?.message ?? (err as Error).message}). ` +
            '`models pull` needs a connected machine: pull there, carry models/' + id + ' (or a tarball of it) across, and run `models import` here.',
          { cause: err },
        );
      }
      if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
      commit ??= response.headers.get('x-repo-commit') ?? undefined;
      await mkdir(dirname(join(staging, file)), { recursive: true });
      await writeFile(join(staging, file), new Uint8Array(await response.arrayBuffer()));
    }
    const config = JSON.parse(await readFile(join(staging, 'config.json'), 'utf8')) as { hidden_size?: number; dim?: number; d_model?: number };
    const dimensions = config.hidden_size ?? config.dim ?? config.d_model;
    if (!dimensions) throw new Error(`${id}/config.json gives no hidden_size; cannot tell the embedding size`);
    const manifest: ModelManifest = {
      id,
      version: commit ?? revision,
      dimensions,
      pooling: 'mean',
      normalize: true,
      quantized: !options.unquantized,
      provenance: {
        source: { hub: endpoint, id, revision, commit: commit ?? null, files },
        fetched_at: new Date().toISOString(),
        licence: 'see the model card on the hub; record it here before use',
        build_command: `stalking-screener models pull ${id}${revision === 'main' ? '' : ` --revision ${revision}`}${options.unquantized ? ' --unquantized' : ''}`,
      },
      files: await checksumFiles(staging),
    };
    await writeManifest(staging, manifest);
    return await install(staging, modelsDir, options.force ?? false);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
