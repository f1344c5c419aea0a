// The hybrid screener end to end: the real wink-sg-100d ONNX model through transformers.js (in the
// embedder's worker thread), the committed exemplars and the trained models/hybrid-scorer.json.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelTag } from '../../src/embeddings/embedder.ts';
import { closeSharedEmbedder, sharedEmbedder } from '../../src/embeddings/registry.ts';
import { loadCatalogue } from '../../src/rules/compile.ts';
import { isCounted } from '../../src/screening/assess.ts';
import { prepareDoc, SemanticMatcher } from '../../src/embeddings/semantic.ts';
import { createHybridScreener, loadHybridModel, type HybridScreener } from '../../src/screening/hybrid.ts';
import { analyse } from '../../src/screening/pipeline.ts';
import { createScreener } from '../../src/screening/factory.ts';
import { loadScorer } from '../../src/screening/score.ts';
import type { Indicator, ScreeningResult } from '../../src/screening/types.ts';
import { ensureModel } from '../embeddings/helpers.ts';

const PARAPHRASE = "there's been a car parked at the end of my road every single night";
const NEGATED = 'There is no car parked at the end of my road every single night.';

let hybrid: HybridScreener;
let tag: string;

beforeAll(async () => {
  await ensureModel();
  tag = modelTag((await sharedEmbedder()).info());
  hybrid = await createHybridScreener();
}, 120_000);

afterAll(async () => {
  await hybrid?.close();
  await closeSharedEmbedder();
});

const semantic = (r: ScreeningResult, code?: string) => r.indicators.filter((i) => i.source === 'semantic' && (!code || i.code === code));
const rulesOnly = (text: string) => analyse({ id: 'r', text }, loadCatalogue(), loadScorer(), { stalking: 0.5, s4a: 0.5 }).result;

describe('exemplar similarity (onnxruntime MatMul)', () => {
  it('gives, per clause and code, the best dot product with that code\'s exemplars, as a plain loop does', async () => {
    const catalogue = loadCatalogue();
    const matcher = await SemanticMatcher.load(await sharedEmbedder(), catalogue, loadHybridModel().semantic);
    const doc = prepareDoc(catalogue, 'He keeps turning up outside my work. I changed my route home. He sent 40 messages last night.');
    const vectors = await matcher.embed(doc.units.map((u) => u.text));
    const { best, arg } = await matcher.scores(vectors);
    const m = matcher as unknown as { exemplarMatrix: Float32Array; exemplarCode: Int32Array; codes: unknown[]; dimensions: number };
    const nc = m.codes.length;
    const d = m.dimensions;
    expect(vectors.length).toBeGreaterThanOrEqual(3);
    let checked = 0;
    for (let u = 0; u < vectors.length; u++) {
      const expected = new Float64Array(nc).fill(-1);
      for (let k = 0; k < m.exemplarCode.length; k++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += vectors[u]![j]! * m.exemplarMatrix[k * d + j]!;
        expected[m.exemplarCode[k]!] = Math.max(expected[m.exemplarCode[k]!]!, s);
      }
      for (let c = 0; c < nc; c++) {
        expect(best[u * nc + c]).toBeCloseTo(expected[c]!, 5);
        expect(m.exemplarCode[arg[u * nc + c]!]).toBe(c);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect((await matcher.scores([])).best.length).toBe(0);
  });
});

describe('semantic indicators', () => {
  it('finds a paraphrase the rules miss, with an exact span of the original text', async () => {
    const text = `Caller states ${PARAPHRASE} and she does not know who it is.`;
    expect(rulesOnly(text).indicators.filter((i) => i.code === 'C4')).toEqual([]); // the rules really miss it
    const result = await hybrid.screen({ id: 'p1', text });
    const [c4] = semantic(result, 'C4');
    expect(c4).toBeDefined();
    const span = c4!.spans[0]!;
    expect(text.slice(span.start, span.end)).toBe(span.text);
    expect(span.text).toContain(PARAPHRASE);
    expect(c4!.similarity).toBeGreaterThanOrEqual(loadHybridModel().semantic.thresholds.C4!);
    expect(c4!.similarity).toBeLessThanOrEqual(1);
    expect(c4!.exemplar).toMatch(/car at the end of the road/);
    expect(c4!.category).toBe('behaviour');
    expect(isCounted(c4!)).toBe(true);
  });

  it('keeps exact spans when normalisation changes the text (upper case, abbreviations, CRLF)', async () => {
    const text = `2310HRS RP STATES\r\n${PARAPHRASE.toUpperCase()} - IP V WORRIED`;
    const [c4] = semantic(await hybrid.screen({ id: 'p2', text }), 'C4');
    expect(c4).toBeDefined();
    expect(text.slice(c4!.spans[0]!.start, c4!.spans[0]!.end)).toBe(c4!.spans[0]!.text);
    expect(c4!.spans[0]!.text).toBe(PARAPHRASE.toUpperCase());
  });

  // ConText on the matcher's own output (no rule suppression), so these hold whatever the rules catch.
  const semanticOnly = async (text: string) => {
    const matcher = await SemanticMatcher.load(await sharedEmbedder(), loadCatalogue(), loadHybridModel().semantic);
    const doc = prepareDoc(loadCatalogue(), text);
    const vectors = await matcher.embed(doc.units.map((u) => u.text));
    return matcher.indicators(doc, await matcher.candidates(vectors));
  };

  it('marks a negated paraphrase negated, with the cue that did it', async () => {
    const [c4] = (await semanticOnly(NEGATED)).filter((i) => i.code === 'C4');
    expect(c4).toBeDefined();
    expect(c4!.context?.negated).toBe(true);
    expect(c4!.context?.cues.map((c) => [c.category, c.span.text])).toContainEqual(['NEGATED', 'no']);
    expect(isCounted(c4!)).toBe(false);
  });

  it('marks a hypothetical paraphrase hypothetical', async () => {
    const [c4] = (await semanticOnly('If there is a man standing under the streetlight across the road again tonight, she will ring police.')).filter((i) => i.code === 'C4');
    expect(c4).toBeDefined();
    expect(c4!.context?.hypothetical).toBe(true);
    expect(isCounted(c4!)).toBe(false);
  });

  it('does not count a negated paraphrase towards the course of conduct or FOUR', async () => {
    const result = await hybrid.screen({ id: 'n1', text: NEGATED });
    const c4 = result.indicators.filter((i) => i.code === 'C4');
    expect(c4.length).toBeGreaterThan(0);
    expect(c4.filter(isCounted)).toEqual([]);
    expect(result.four.codes.repeated).not.toContain('C4');
    expect(result.course_of_conduct.occasions_min).toBe(0);
  });

  it('adds nothing where a rule of the same code already covers the sentence', async () => {
    const text = 'He has been sitting outside her house in his car watching her for hours every night.';
    const result = await hybrid.screen({ id: 'c1', text });
    const ruleCodes = new Set(result.indicators.filter((i) => i.source === 'rule').map((i) => i.code));
    expect(ruleCodes.has('C4')).toBe(true);
    expect(semantic(result).filter((i: Indicator) => ruleCodes.has(i.code))).toEqual([]);
  });
});

describe('hybrid results', () => {
  it('carry the embedding model tag and the hybrid scorer id', async () => {
    const result = await hybrid.screen({ id: 'v1', text: PARAPHRASE });
    expect(result.versions.model).toBe(tag);
    expect(result.versions.model).toMatch(/^wink-sg-100d@[^+]+\+sha256:[0-9a-f]{12}$/);
    expect(result.versions.scorer).toBe(loadHybridModel().id);
    expect(result.versions.rules).toBe(loadCatalogue().version);
  });

  it('come from createScreener({ mode: "hybrid" }), and rules mode still reports model "none"', async () => {
    const viaPipeline = await createScreener({ mode: 'hybrid' });
    const rules = await createScreener({ mode: 'rules' });
    const record = { id: 'v2', text: PARAPHRASE };
    expect((await viaPipeline.screen(record)).versions.model).toBe(tag);
    expect((await rules.screen(record)).versions.model).toBe('none');
  });

  it('give probabilities in [0, 1] that rise with the stalking evidence', async () => {
    const texts = [
      'Caller reports her bicycle was stolen from the garden shed overnight. No suspect details.',
      'Her ex-partner sent her a text last night asking how she is.',
      'Her ex-partner has followed her home from work on three occasions this week although police told him to stay away. ' +
        'He sits outside her house every night. She is terrified he will hurt her and has moved in with her mother.',
    ];
    const results = await hybrid.screenMany(texts.map((text, i) => ({ id: `m${i}`, text })));
    for (const r of results) {
      for (const p of [r.stalking_score, r.s4a_score]) {
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
      expect(r.s4a_score).toBeLessThanOrEqual(r.stalking_score);
      expect(r.stalking_flag).toBe(r.stalking_score >= hybrid.thresholds.stalking);
    }
    const scores = results.map((r) => r.stalking_score);
    expect(scores[0]!).toBeLessThan(scores[1]!);
    expect(scores[1]!).toBeLessThan(scores[2]!);
    expect(results[2]!.stalking_flag).toBe(true);
    expect(results[0]!.stalking_flag).toBe(false);
  });

  it('are the same screened one by one or in a batch', async () => {
    const records = [
      { id: 'b1', text: PARAPHRASE },
      { id: 'b2', text: NEGATED },
    ];
    const batch = await hybrid.screenMany(records);
    expect(batch).toEqual([await hybrid.screen(records[0]!), await hybrid.screen(records[1]!)]);
  });

  it('from the embeddings-only variant ignore the rules', async () => {
    const embeddings = await createHybridScreener({ variant: 'embeddings' });
    const result = await embeddings.screen({ id: 'e1', text: `${PARAPHRASE}. He keeps ringing her from a withheld number.` });
    expect(result.indicators.every((i) => i.source === 'semantic')).toBe(true);
    expect(result.versions.scorer).toBe(`${loadHybridModel().id}:embeddings-only`);
    expect(embeddings.thresholds).toEqual({ stalking: loadHybridModel().variants.embeddings.stalking.threshold, s4a: loadHybridModel().variants.embeddings.s4a.threshold });
  });
});

describe('a missing or broken hybrid set-up fails clearly', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hybrid-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the missing scorer file and how to train it', async () => {
    await expect(createHybridScreener({ modelPath: join(dir, 'absent.json') })).rejects.toThrow(/absent\.json is missing.*train-hybrid/);
  });

  it('names a broken scorer file', async () => {
    await writeFile(join(dir, 'bad.json'), '{ "id": "x"');
    await expect(createHybridScreener({ modelPath: join(dir, 'bad.json') })).rejects.toThrow(/not valid JSON/);
    const model = loadHybridModel();
    await writeFile(join(dir, 'short.json'), JSON.stringify({ ...model, variants: { ...model.variants, hybrid: { ...model.variants.hybrid, mean: [0] } } }));
    await expect(createHybridScreener({ modelPath: join(dir, 'short.json') })).rejects.toThrow(/short\.json is broken/);
  });

  it('refuses a scorer trained with another embedding model', async () => {
    const model = loadHybridModel();
    await writeFile(join(dir, 'other.json'), JSON.stringify({ ...model, embedding_model: { ...model.embedding_model, tag: 'other-model@1+sha256:000000000000' } }));
    await expect(createHybridScreener({ modelPath: join(dir, 'other.json') })).rejects.toThrow(/trained with embedding model other-model/);
  });

  it('says the embedding model is missing when MODELS_DIR has none', async () => {
    const saved = process.env.MODELS_DIR;
    process.env.MODELS_DIR = dir;
    try {
      await expect(createScreener({ mode: 'hybrid' })).rejects.toThrow(/hybrid mode needs the embedding model: .*not installed/);
    } finally {
      if (saved === undefined) delete process.env.MODELS_DIR;
      else process.env.MODELS_DIR = saved;
    }
  });
});
