// No model hub is reachable in production: loading must read models/ only. These tests load the model
// in this thread with fetch and http(s).request replaced by recorders, and check the recorders would
// have caught transformers.js going online (a positive control), so an empty record means something.
import http from 'node:http';
import https from 'node:https';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { env, pipeline } from '@xenova/transformers';
import { embedAll, loadFeatureExtractor } from '../../src/embeddings/feature-extractor.ts';
import { installNetworkGuard } from '../../src/embeddings/network-guard.ts';
import { ensureModel, MODEL_ID, REPO_MODELS_DIR } from './helpers.ts';

type Mutable = Record<string, unknown>;

function recordNetwork() {
  const record: string[] = [];
  const saved: [Mutable, string, unknown][] = [];
  const replace = (owner: object, name: string, label: string) => {
    const o = owner as Mutable;
    saved.push([o, name, o[name]]);
    o[name] = (target: unknown) => {
      record.push(`${label} ${target instanceof URL ? target.href : typeof target === 'string' ? target : JSON.stringify(target)}`);
      throw new Error(`test: ${label} is not allowed`);
    };
  };
  replace(globalThis, 'fetch', 'fetch');
  replace(http, 'request', 'http.request');
  replace(https, 'request', 'https.request');
  return { record, restore: () => saved.reverse().forEach(([o, n, v]) => (o[n] = v)) };
}

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

beforeAll(async () => {
  await ensureModel();
}, 120_000);

describe('loading the model makes no network request', () => {
  it('loads and embeds with fetch, http.request and https.request recording and throwing', async () => {
    const net = recordNetwork();
    restore = net.restore;
    const extract = await loadFeatureExtractor({ modelsDir: REPO_MODELS_DIR, modelId: MODEL_ID, quantized: true, pooling: 'mean', normalize: true });
    const vectors = await embedAll(extract, ['he keeps following me home', 'she changed her route to work'], 8, 100);
    expect(vectors.length).toBe(200);
    expect(net.record).toEqual([]);
  }, 60_000);

  it('positive control: the same recorders catch transformers.js trying the hub when remote loading is allowed', async () => {
    const net = recordNetwork();
    restore = net.restore;
    env.allowRemoteModels = true;
    try {
      await expect(pipeline('feature-extraction', 'nobody/not-installed-anywhere')).rejects.toThrow();
    } finally {
      env.allowRemoteModels = false;
    }
    expect(net.record.some((r) => r.startsWith('fetch https://huggingface.co/nobody/not-installed-anywhere/'))).toBe(true);
  }, 60_000);

  it('with remote loading off (as configured), a model missing from models/ fails without any request', async () => {
    const net = recordNetwork();
    restore = net.restore;
    await expect(
      loadFeatureExtractor({ modelsDir: REPO_MODELS_DIR, modelId: 'nobody/not-installed-anywhere', quantized: true, pooling: 'mean', normalize: true }),
    ).rejects.toThrow(/allowRemoteModels=false/);
    expect(net.record).toEqual([]);
  }, 60_000);
});

describe('the embedding worker network guard', () => {
  it('refuses and records fetch, http(s) and raw socket connections, and restores them', async () => {
    const originalFetch = globalThis.fetch;
    const guard = installNetworkGuard('a test');
    restore = () => guard.restore();
    await expect(fetch('https://huggingface.co/x')).rejects.toThrow(/network access is disabled in a test/);
    expect(() => http.request('http://example.org/')).toThrow(/disabled/);
    expect(() => https.get({ hostname: 'hub.example', port: 443, path: '/m' })).toThrow(/disabled/);
    expect(guard.attempts).toEqual(['fetch https://huggingface.co/x', 'http.request http://example.org/', 'https.get hub.example:443/m']);
    guard.restore();
    restore = undefined;
    expect(globalThis.fetch).toBe(originalFetch);
  });
});

describe('pooling outside transformers.js', () => {
  // transformers.js 2.17 can no longer run a session of the onnxruntime this project uses (1.22), so
  // the reference is the arithmetic itself: a text embedded in a padded batch gets the vector it gets
  // alone, every vector has unit length, and a text with no known word gets the zero vector.
  it('gives each text the same mean-pooled, normalised vector in a padded batch as alone, on the real model', async () => {
    const texts = ['he keeps following me home', 'she changed her route to work because he waits outside every night', 'xqzv', 'the'];
    const extract = await loadFeatureExtractor({ modelsDir: REPO_MODELS_DIR, modelId: MODEL_ID, quantized: true, pooling: 'mean', normalize: true });
    const batch = await extract(texts);
    expect(batch.dimensions).toBe(100);
    expect(batch.data.length).toBe(texts.length * 100);
    for (const [i, text] of texts.entries()) {
      const alone = await extract([text]);
      const row = batch.data.subarray(i * 100, (i + 1) * 100);
      row.forEach((x, d) => expect(x).toBeCloseTo(alone.data[d]!, 5));
      const norm = Math.hypot(...row);
      if (text === 'xqzv') expect(norm).toBe(0);
      else expect(norm).toBeCloseTo(1, 5);
    }
    // Different texts, different vectors: the pooling reads the words, not the padding.
    const cos = batch.data.subarray(0, 100).reduce((s, x, d) => s + x * batch.data[100 + d]!, 0);
    expect(cos).toBeLessThan(0.999);
  }, 60_000);
});
