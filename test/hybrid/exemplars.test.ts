// The exemplar catalogue and the trained scorer file, without the embedding model.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/rules/compile.ts';
import { semanticCodes } from '../../src/embeddings/semantic.ts';
import { featureNames, headProbability, knownFeature, loadHybridModel, normalisedRange, VARIANTS } from '../../src/screening/hybrid.ts';
import { findMentions, matchOwners } from '../../src/screening/match.ts';
import { normaliserFor, toOriginal } from '../../src/screening/normalise.ts';

const catalogue = loadCatalogue();

describe('exemplars.yaml', () => {
  const byCode = new Map(catalogue.exemplars.map((e) => [e.code, e.phrases]));

  it('covers every behaviour, impact (both limbs) and risk code with 3 to 8 phrases', () => {
    const codes = [...semanticCodes(catalogue).values()];
    expect(codes.filter((c) => !byCode.has(c.code)).map((c) => c.code)).toEqual([]);
    expect(new Set(codes.filter((c) => c.category === 'impact').map((c) => c.limb))).toEqual(new Set(['i', 'ii']));
    for (const [code, phrases] of byCode) {
      expect(phrases.length, code).toBeGreaterThanOrEqual(3);
      expect(phrases.length, code).toBeLessThanOrEqual(8);
      expect(new Set(phrases).size, code).toBe(phrases.length);
    }
  });

  it('holds paraphrases the rules of the same code do not catch (at least 90%)', () => {
    const normalise = normaliserFor(catalogue);
    const phrases = catalogue.exemplars.flatMap((e) => e.phrases.map((p) => ({ code: e.code, p })));
    const caught = phrases.filter(({ code, p }) => findMentions(matchOwners(catalogue.rules, normalise(p).text)).some((m) => m.rule.code === code));
    expect(caught.length / phrases.length).toBeLessThanOrEqual(0.1);
  });

  it('is rejected when it names a code no rule defines, or a code twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exemplars-'));
    try {
      const rule = 'version: 1\nrules:\n  - { id: x.1, version: 1, code: C4, category: behaviour, label: Watching, patterns: [watching] }\n';
      await writeFile(join(dir, 'rules.yaml'), rule);
      await writeFile(join(dir, 'exemplars.yaml'), 'version: 1\nexemplars:\n  - { code: Z9, phrases: [a, b, c] }\n');
      expect(() => loadCatalogue(dir)).toThrow(/exemplars for Z9: no rule has that code/);
      const dir2 = `${dir}-2`;
      await import('node:fs/promises').then((fs) => fs.mkdir(dir2));
      await writeFile(join(dir2, 'rules.yaml'), rule);
      await writeFile(join(dir2, 'exemplars.yaml'), 'version: 1\nexemplars:\n  - { code: C4, phrases: [a, b, c] }\n  - { code: C4, phrases: [d, e, f] }\n');
      expect(() => loadCatalogue(dir2)).toThrow(/exemplars for C4 are given twice/);
      await rm(dir2, { recursive: true, force: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('models/hybrid-scorer.json', () => {
  const model = loadHybridModel();

  it('loads, names its embedding model and keeps a threshold for every exemplar code', () => {
    expect(model.id).toMatch(/^hybrid-lr-[0-9a-f]{10}$/);
    expect(model.embedding_model.tag).toMatch(/^wink-sg-100d@/);
    for (const e of catalogue.exemplars) expect(model.semantic.thresholds[e.code], e.code).toBeGreaterThan(0);
    expect(model.semantic.common).toHaveLength(100);
  });

  it('uses only features this code can compute', () => {
    for (const variant of VARIANTS) {
      const v = model.variants[variant];
      expect(v.features.filter((f) => !knownFeature(f, variant, 100))).toEqual([]);
      expect(featureNames(variant, 100).filter((f) => f.startsWith('emb.'))).toHaveLength(100);
    }
  });

  it('gives calibrated probabilities in [0, 1], monotone in the logit', () => {
    for (const variant of VARIANTS) {
      const v = model.variants[variant];
      for (const head of [v.stalking, v.s4a]) {
        expect(head.platt.a).toBeGreaterThan(0); // calibration keeps the order of the scores
        expect(head.threshold).toBeGreaterThan(0);
        expect(head.threshold).toBeLessThan(1);
        // Stepping one feature along its weight's sign raises the probability; extreme rows stay in [0, 1].
        const base = v.mean.slice();
        const j = head.weights.findIndex((w) => Math.abs(w) === Math.max(...head.weights.map(Math.abs)));
        const up = base.slice();
        up[j] = base[j]! + Math.sign(head.weights[j]!) * v.scale[j]!;
        expect(headProbability(v, head, up)).toBeGreaterThan(headProbability(v, head, base));
        for (const extreme of [base.map((m, i) => m + 50 * v.scale[i]!), base.map((m, i) => m - 50 * v.scale[i]!)]) {
          const p = headProbability(v, head, extreme);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
      }
    }
  });
});

describe('normalisedRange', () => {
  it('inverts toOriginal for spans through rewrites, case and white space', () => {
    const normalise = normaliserFor(catalogue);
    const text = 'RP STATES EX-P OUTSIDE\r\n\r\nIP V WORRIED  -  SUSP SEEN X3';
    const n = normalise(text);
    for (const word of ['victim', 'suspect', 'worried', 'outside', '3 times']) {
      const at = n.text.indexOf(word);
      expect(at, word).toBeGreaterThanOrEqual(0);
      const original = toOriginal(n, at, at + word.length);
      const back = normalisedRange(n, original.start, original.end);
      expect(toOriginal(n, back.start, back.end)).toEqual(original);
    }
  });
});
