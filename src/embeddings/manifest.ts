// A model directory's manifest: what the model is, where it came from, and the SHA-256 of every file.
// The embedder, `models list` and `models import` all check a directory through verifyModelDir, so
// there is one definition of "this model is intact".
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const MANIFEST_FILE = 'manifest.json';

const ID_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A model id is one or two path segments ("wink-sg-100d", "Xenova/all-MiniLM-L6-v2"), never a path escape. */
export function isValidModelId(id: string): boolean {
  const parts = id.split('/');
  return parts.length <= 2 && parts.every((p) => ID_PART.test(p) && !p.includes('..'));
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256');

export const manifestSchema = z.looseObject({
  id: z.string().min(1),
  version: z.string().min(1),
  dimensions: z.number().int().positive(),
  pooling: z.enum(['mean', 'cls']),
  normalize: z.boolean(),
  /** Which ONNX file transformers.js loads: onnx/model_quantized.onnx when true, onnx/model.onnx when false. */
  quantized: z.boolean(),
  provenance: z.record(z.string(), z.unknown()),
  files: z.record(z.string(), sha256Hex),
});
export type ModelManifest = z.infer<typeof manifestSchema>;

/** A model directory that is missing, malformed or does not match its manifest. */
export class ModelIntegrityError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'ModelIntegrityError';
  }
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  return sha256(await readFile(path));
}

/**
 * Every file under dir except the manifest, as sorted POSIX-style relative paths. Symbolic links and
 * other non-regular entries are returned in `irregular`: a model must be plain files, so a link cannot
 * smuggle in bytes the checksums did not cover.
 */
export async function listModelFiles(dir: string): Promise<{ files: string[]; irregular: string[] }> {
  const files: string[] = [];
  const irregular: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(join(dir, rel), { withFileTypes: true });
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        if (path !== MANIFEST_FILE) files.push(path);
      } else irregular.push(path);
    }
  }
  await walk('');
  const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { files: files.sort(byCodeUnit), irregular: irregular.sort(byCodeUnit) };
}

/** SHA-256 of every model file, keyed by relative path in sorted order (so the JSON is stable). */
export async function checksumFiles(dir: string): Promise<Record<string, string>> {
  const { files } = await listModelFiles(dir);
  const out: Record<string, string> = {};
  for (const f of files) out[f] = await sha256File(join(dir, f));
  return out;
}

/** One digest for the whole model: what `versions.model` carries, so a result names the exact bytes. */
export function modelDigest(files: Record<string, string>): string {
  const lines = Object.keys(files)
    .sort()
    .map((f) => `${files[f]}  ${f}\n`);
  return sha256(lines.join(''));
}

export async function readManifest(dir: string): Promise<ModelManifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'has no manifest.json' : `manifest.json cannot be read (${code ?? String(err)})`;
    throw new ModelIntegrityError(`model directory ${dir} ${what}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelIntegrityError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ModelIntegrityError(`${path} is not a valid model manifest: ${problems.join('; ')}`, problems);
  }
  for (const f of Object.keys(parsed.data.files)) {
    if (f === MANIFEST_FILE || f.startsWith('/') || f.split('/').some((p) => p === '..' || p === '' || p === '.')) {
      throw new ModelIntegrityError(`${path} lists an unsafe file path: ${JSON.stringify(f)}`);
    }
  }
  return parsed.data;
}

export async function writeManifest(dir: string, manifest: ModelManifest): Promise<void> {
  await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

export interface Verification {
  manifest: ModelManifest;
  /** Empty when every listed file is present with the listed checksum and nothing else is there. */
  problems: string[];
  /** modelDigest of the manifest's file list. */
  digest: string;
}

/** Checks a model directory against its manifest. Throws only when there is no usable manifest. */
export async function verifyModelDir(dir: string): Promise<Verification> {
  const exists = await lstat(dir).catch(() => undefined);
  if (!exists?.isDirectory()) throw new ModelIntegrityError(`model directory ${dir} does not exist`);
  const manifest = await readManifest(dir);
  const { files, irregular } = await listModelFiles(dir);
  const problems: string[] = irregular.map((f) => `${f}: not a regular file`);
  const present = new Set(files);
  for (const [f, expected] of Object.entries(manifest.files)) {
    if (!present.has(f)) {
      problems.push(`${f}: missing`);
      continue;
    }
    const actual = await sha256File(join(dir, f));
    if (actual !== expected) problems.push(`${f}: sha256 ${actual} does not match the manifest (${expected})`);
  }
  for (const f of files) if (!(f in manifest.files)) problems.push(`${f}: not listed in the manifest`);
  return { manifest, problems, digest: modelDigest(manifest.files) };
}
