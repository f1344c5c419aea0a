// Air-gapped transfer: `models import` accepts a model directory or tarball only when every file
// matches its manifest; `models pull` validates its arguments and fails clearly without a network.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/models.ts';
import { Embedder } from '../../src/embeddings/embedder.ts';
import { ModelIntegrityError, verifyModelDir } from '../../src/embeddings/manifest.ts';
import { isValidModelId, listInstalledModels, modelDir, selectedModelId } from '../../src/embeddings/registry.ts';
import { importModel, pullModel } from '../../src/embeddings/transfer.ts';
import { ensureModel, MODEL_ID, REPO_MODELS_DIR } from './helpers.ts';

let scratch: string;
const source = () => join(REPO_MODELS_DIR, MODEL_ID);

beforeAll(async () => {
  await ensureModel();
  scratch = await mkdtemp(join(tmpdir(), 'embeddings-transfer-'));
}, 120_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

let n = 0;
const fresh = async () => mkdtemp(join(scratch, `case-${++n}-`));

/** A copy of the real model with one byte of one file flipped. */
async function corruptedCopy(file: string): Promise<string> {
  const dir = join(await fresh(), MODEL_ID);
  await cp(source(), dir, { recursive: true });
  const bytes = await readFile(join(dir, file));
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  await writeFile(join(dir, file), bytes);
  return dir;
}

describe('models import', () => {
  it('installs an intact model directory, verified, and is idempotent', async () => {
    const models = await fresh();
    const first = await importModel(source(), models);
    expect(first.status).toBe('installed');
    const check = await verifyModelDir(modelDir(MODEL_ID, models));
    expect(check.problems).toEqual([]);
    expect(first.digest).toBe((await verifyModelDir(source())).digest);
    expect((await importModel(source(), models)).status).toBe('unchanged');
    const listed = await listInstalledModels(models);
    expect(listed.map((m) => [m.id, m.problems])).toEqual([[MODEL_ID, []]]);
  });

  it('rejects a directory whose ONNX file does not match the manifest, and installs nothing', async () => {
    const bad = await corruptedCopy('onnx/model_quantized.onnx');
    const models = await fresh();
    const attempt = importModel(bad, models);
    await expect(attempt).rejects.toBeInstanceOf(ModelIntegrityError);
    await expect(importModel(bad, models)).rejects.toThrow(/onnx\/model_quantized\.onnx: sha256 [0-9a-f]{64} does not match the manifest/);
    expect((await readdir(models)).filter((f) => !f.startsWith('.'))).toEqual([]);
    expect(await readdir(models)).toEqual([]); // no staging directory left behind
  });

  it('rejects a model with a file the manifest does not list', async () => {
    const dir = join(await fresh(), MODEL_ID);
    await cp(source(), dir, { recursive: true });
    await writeFile(join(dir, 'onnx', 'model.onnx'), 'not in the manifest');
    await expect(importModel(dir, await fresh())).rejects.toThrow(/onnx\/model\.onnx: not listed in the manifest/);
  });

  it('imports a .tar.gz and rejects a tarball with a corrupted file', async () => {
    const good = join(scratch, 'good.tar.gz');
    execFileSync('tar', ['-czf', good, '-C', REPO_MODELS_DIR, MODEL_ID]);
    const models = await fresh();
    expect((await importModel(good, models)).status).toBe('installed');

    const badDir = await corruptedCopy('tokenizer.json');
    const bad = join(scratch, 'bad.tgz');
    execFileSync('tar', ['-czf', bad, '-C', join(badDir, '..'), MODEL_ID]);
    await expect(importModel(bad, await fresh())).rejects.toThrow(/tokenizer\.json: sha256 .* does not match/);
  });

  it('will not replace an installed model with different bytes unless forced', async () => {
    const models = await fresh();
    await importModel(source(), models);
    const other = join(await fresh(), MODEL_ID);
    await cp(source(), other, { recursive: true });
    // Same files, different (self-consistent) manifest: a different model under the same id.
    const manifest = JSON.parse(await readFile(join(other, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(other, 'config.json'), JSON.stringify({ ...manifest, note: 'changed' }));
    const m = JSON.parse(await readFile(join(other, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
    m.files['config.json'] = (await import('../../src/embeddings/manifest.ts')).sha256(await readFile(join(other, 'config.json')));
    await writeFile(join(other, 'manifest.json'), JSON.stringify(m));
    await expect(importModel(other, models)).rejects.toThrow(/already exists with different content; pass --force/);
    expect((await importModel(other, models, { force: true })).status).toBe('installed');
  });

  describe('through the CLI', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
      vi.restoreAllMocks();
    });
    const quiet = () => {
      const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      return { out: () => out.mock.calls.join(''), err: () => err.mock.calls.join('') };
    };

    it('models import exits 1 with the mismatching file named; models list then shows nothing installed', async () => {
      const models = await fresh();
      vi.stubEnv('MODELS_DIR', models);
      const io = quiet();
      expect(await run(['import', await corruptedCopy('config.json')])).toBe(1);
      expect(io.err()).toMatch(/refusing to import "wink-sg-100d".*\n.*config\.json: sha256/);
      expect(await run(['list'])).toBe(1);
      expect(io.out()).toMatch(/selected model wink-sg-100d \(EMBEDDING_MODEL\) is not installed/);
    });

    it('models import then models list reports ok and exits 0', async () => {
      vi.stubEnv('MODELS_DIR', await fresh());
      const io = quiet();
      expect(await run(['import', source()])).toBe(0);
      expect(await run(['list'])).toBe(0);
      expect(io.out()).toMatch(/\* wink-sg-100d\s+1\.0\.0\s+100-d\s+sha256:[0-9a-f]{12}\s+ok/);
    });

    it.each([
      [['pull'], /needs|takes one hub model id/],
      [['pull', 'all-MiniLM-L6-v2'], /not a hub model id/],
      [['pull', '../../etc/passwd'], /not a hub model id/],
      [['pull', 'Xenova/all-MiniLM-L6-v2', '--revision'], /--revision needs a value/],
      [['pull', 'Xenova/all-MiniLM-L6-v2', '--bogus'], /unknown option --bogus/],
      [['import'], /takes one directory or tarball/],
      [['frobnicate'], /unknown models command/],
    ])('models %j is a usage error (exit 2)', async (args, message) => {
      const io = quiet();
      expect(await run(args)).toBe(2);
      expect(io.err()).toMatch(message);
    });
  });
});

describe('models pull without a network', () => {
  it('fails with a clear message pointing to models import, and leaves nothing behind', async () => {
    const models = await fresh();
    const offline = (() => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }))) as typeof fetch;
    await expect(pullModel('Xenova/all-MiniLM-L6-v2', models, { fetch: offline })).rejects.toThrow(
      /cannot reach https:\/\/huggingface\.co \(ENOTFOUND\)\. `models pull` needs a connected machine.*`models import`/,
    );
    expect(await readdir(models)).toEqual([]);
  });
});

describe('model selection', () => {
  it('uses EMBEDDING_MODEL, defaulting to wink-sg-100d, and rejects ids that could escape models/', () => {
    expect(selectedModelId({})).toBe('wink-sg-100d');
    expect(selectedModelId({ EMBEDDING_MODEL: 'Xenova/all-MiniLM-L6-v2' })).toBe('Xenova/all-MiniLM-L6-v2');
    expect(() => selectedModelId({ EMBEDDING_MODEL: '../secrets' })).toThrow(/not a model id/);
    for (const bad of ['..', 'a/b/c', '/abs', 'a/../b', '']) expect(isValidModelId(bad)).toBe(false);
  });
});

describe('the embedder refuses a model it cannot trust', () => {
  it('names the missing directory and how to get the model', async () => {
    await expect(Embedder.load({ modelId: MODEL_ID, modelsDir: await fresh() })).rejects.toThrow(
      /embedding model "wink-sg-100d" is not installed: .* does not exist\. Build it with `\.\/bin\/stalking-screener models build`/,
    );
  });

  it('names the file whose checksum does not match the manifest', async () => {
    const bad = await corruptedCopy('onnx/model_quantized.onnx');
    const attempt = Embedder.load({ modelId: MODEL_ID, modelsDir: join(bad, '..') });
    await expect(attempt).rejects.toBeInstanceOf(ModelIntegrityError);
    await expect(Embedder.load({ modelId: MODEL_ID, modelsDir: join(bad, '..') })).rejects.toThrow(
      /does not match its manifest:\n {2}- onnx\/model_quantized\.onnx: sha256/,
    );
  });
});
