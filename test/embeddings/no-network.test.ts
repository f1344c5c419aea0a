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
  it("gives the pipeline's own mean-pooled, normalised vectors on the real model, padding and all", async () => {
    const texts = ['he keeps following me home', 'she changed her route to work because he waits outside every night', 'xqzv', 'the'];
    const ours = await loadFeatureExtractor({ modelsDir: REPO_MODELS_DIR, modelId: MODEL_ID, quantized: true, pooling: 'mean', normalize: true });
    const theirs = await pipeline('feature-extraction', MODEL_ID, { quantized: true });
    const a = await ours(texts);
    const b = await theirs(texts, { pooling: 'mean', normalize: true });
    expect(a.dimensions).toBe(100);
    expect(a.data.length).toBe((b.data as Float32Array).length);
    let compared = 0;
    (b.data as Float32Array).forEach((x, i) => {
      // transformers.js gives NaN for a text with no known word; ours gives zero (embedAll's convention).
      if (Number.isNaN(x)) expect(a.data[i]).toBe(0);
      else {
        expect(a.data[i]).toBeCloseTo(x, 6);
        compared++;
      }
    });
    expect(compared).toBeGreaterThanOrEqual(300);
  }, 60_000);
});
