// The shipped text models (models/text-encoder, models/ngram-linear): their files match their
// manifests, this code reads words exactly as the training script did, and onnxruntime on the real
// model gives the logits PyTorch gave (the parity fixture the training script wrote).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clauseContributions, loadNgramModel, loadTextEncoder, MAX_MODEL_TOKENS, TASKS, TEXT_ENCODER_DIR, verifiedManifest, type TextScorer } from '../../src/screening/text-model.ts';
import { LEFT_TO_RULES, ngramFeatures, tokenise, trigramBuckets, UNK } from '../../src/screening/text-tokens.ts';

type Fixture = { text: string; ids: number[]; trigrams: number[][]; features: number[]; logits: number[] };
const fixture = JSON.parse(readFileSync(join(TEXT_ENCODER_DIR, 'parity.json'), 'utf8')) as Fixture[];
const vocab = new Map(readFileSync(join(TEXT_ENCODER_DIR, 'vocab.txt'), 'utf8').split('\n').map((w, i) => [w, i] as const));

describe('the shipped encoder files', () => {
  it('match the checksums in the manifest, which records its data, recipe and development figures', () => {
    const m = verifiedManifest(TEXT_ENCODER_DIR);
    expect(Object.keys(m.files)).toEqual(expect.arrayContaining(['model.onnx', 'vocab.txt', 'parity.json']));
    expect(m.trained_on).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'datasets/blind/train.jsonl' })]));
    expect(JSON.stringify(m.trained_on)).not.toMatch(/test\.jsonl|real-posts/);
    expect(m.recipe).toMatchObject({ seed: expect.any(Number), window: expect.any(Number) });
  });

  it('refuses a model file that does not match its manifest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'encoder-'));
    try {
      cpSync(TEXT_ENCODER_DIR, dir, { recursive: true });
      const vocabFile = join(dir, 'vocab.txt');
      writeFileSync(vocabFile, readFileSync(vocabFile, 'utf8').replace('\nthe\n', '\nteh\n'));
      expect(() => verifiedManifest(dir)).toThrow(/vocab\.txt does not match its manifest checksum/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the words left to the rules', () => {
  it('are never read by the text models, in any case or inflection, and the other words keep their offsets', () => {
    const text = 'Her ex STALKED her all spring; a cyberstalker who stalks her, the Stalker.';
    const tokens = tokenise(text);
    expect(tokens.map((t) => t.form)).toEqual(['her', 'ex', 'her', 'all', 'spring', 'a', 'who', 'her', 'the']);
    for (const t of tokens) expect(text.slice(t.start, t.end).toLowerCase()).toBe(t.form);
    // The parity fixture has such a record: the training script left out the same words.
    expect(fixture.some((f) => /stalk/i.test(f.text))).toBe(true);
  });

  it('are the ones the shipped models were trained without, or the model is refused', () => {
    expect(verifiedManifest(TEXT_ENCODER_DIR).recipe).toMatchObject({ left_to_rules: LEFT_TO_RULES });
    const dir = mkdtempSync(join(tmpdir(), 'encoder-'));
    try {
      cpSync(TEXT_ENCODER_DIR, dir, { recursive: true });
      const path = join(dir, 'manifest.json');
      const m = JSON.parse(readFileSync(path, 'utf8'));
      delete m.recipe.left_to_rules;
      writeFileSync(path, JSON.stringify(m));
      expect(() => verifiedManifest(dir)).toThrow(/leaving null to the rules/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tokens, as the training script made them', () => {
  it.each(fixture.map((f) => [f.text.slice(0, 40), f] as const))('%s...', (_name, f) => {
    const tokens = tokenise(f.text);
    expect(tokens.map((t) => vocab.get(t.form) ?? UNK)).toEqual(f.ids);
    expect(tokens.map((t) => trigramBuckets(t.form))).toEqual(f.trigrams);
    expect(ngramFeatures(tokens.map((t) => t.form)).slice(0, 40)).toEqual(f.features);
    for (const t of tokens) expect(f.text.slice(t.start, t.end).toLowerCase().replace(/[0-9]/g, '0')).toBe(t.form);
  });
});

describe('closing the encoder', () => {
  it('lets a call under way finish every batch, then refuses new calls', async () => {
    const own = await loadTextEncoder();
    // Enough long texts for several onnxruntime runs, so close() arrives between batches.
    const texts = Array.from({ length: 40 }, (_, i) => `Update ${i}: he was outside her house again tonight, the third time this week. `.repeat(30));
    const pending = own.score(texts);
    const closing = own.close();
    const scores = await pending;
    await closing;
    expect(scores).toHaveLength(40);
    for (const s of scores) expect(Number.isFinite(s.logits.stalking)).toBe(true);
    await expect(own.score(['one more'])).rejects.toThrow(/closed/);
  });
});

describe('the encoder on onnxruntime', () => {
  let encoder: TextScorer;
  beforeAll(async () => {
    encoder = await loadTextEncoder();
  });
  afterAll(() => encoder.close());

  it('gives the logits PyTorch gave on the parity fixture', async () => {
    const scores = await encoder.score(fixture.map((f) => f.text));
    scores.forEach((s, i) => {
      TASKS.forEach((task, k) => expect(s.logits[task]).toBeCloseTo(fixture[i]!.logits[k]!, 3));
    });
  });

  it("puts the logit on the record's clauses: with the constant bias their contributions sum to it", async () => {
    const text = 'He was outside my flat again last night. I told him to stop. The weather was fine.';
    const [s] = await encoder.score([text]);
    for (const task of TASKS) {
      const sum = s!.clauses[task].reduce((a, c) => a + c.contribution, 0);
      expect(s!.bias[task] + sum).toBeCloseTo(s!.logits[task], 4);
    }
    for (const c of s!.clauses.stalking) expect(text.slice(c.span.start, c.span.end)).toBe(c.span.text);
  });

  it('scores a record the same alone or in a batch of others', async () => {
    const texts = ['Neighbour dispute over bins.', fixture[0]!.text, fixture[1]!.text];
    const together = await encoder.score(texts);
    const alone = await encoder.score([fixture[0]!.text]);
    expect(together[1]!.logits.stalking).toBeCloseTo(alone[0]!.logits.stalking, 4);
  });

  it(`reads at most ${MAX_MODEL_TOKENS} words of a long record, and says so`, async () => {
    const [s] = await encoder.score(['He turned up again. '.repeat(2000)]);
    expect(s!.tokens).toBe(8000);
    expect(s!.tokensRead).toBe(MAX_MODEL_TOKENS);
  });
});

describe('the n-gram comparison model', () => {
  it('loads, checks its manifest, and puts its logit on clauses too', async () => {
    const ngram = await loadNgramModel();
    const text = 'He keeps turning up at my work. I am scared.';
    const [s] = await ngram.score([text]);
    for (const task of TASKS) expect(s!.clauses[task].reduce((a, c) => a + c.contribution, 0) + s!.bias[task]).toBeCloseTo(s!.logits[task], 4);
  });
});

describe('clauseContributions', () => {
  it('sums token contributions within the sentence boundaries the rules use', () => {
    const text = 'One two. Three four';
    const out = clauseContributions(text, tokenise(text), [1, 2, 3, 4]);
    expect(out.map((c) => [c.span.text, c.contribution])).toEqual([
      ['Three four', 7],
      ['One two.', 3],
    ]);
  });
});
