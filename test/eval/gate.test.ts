// The quality gate: floors in eval/floors.json, checked on the gold test split with the REAL screener.
import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkGate, floorsSchema, loadFloors } from '../../eval/gate.ts';
import { evaluate, type EvaluationMetrics } from '../../eval/harness.ts';
import { parseLabelledJsonl } from '../../src/cli/eval.ts';
import { createScreener, type ScreenerOptions } from '../../src/screening/factory.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const goldTest = path.join(root, 'datasets/gold/test.jsonl');
const floorsFile = path.join(root, 'eval/floors.json');
const brokenCatalogue = path.join(root, 'test/fixtures/eval/broken-catalogue');
const haveGold = fs.existsSync(goldTest);

describe('checkGate', () => {
  const floors = { stalking_recall: 0.8, s4a_recall: 0.6, stalking_precision: 0.5 };
  const metrics = (stalkingRecall: number | null, s4aRecall: number | null, stalkingPrecision: number | null) => ({
    stalking: { recall: stalkingRecall, precision: stalkingPrecision },
    s4a: { recall: s4aRecall },
  });

  it('passes when every figure is at or above its floor', () => {
    expect(checkGate(metrics(0.8, 0.7, 0.9), floors)).toEqual([]);
  });

  it('names each floor that is not met', () => {
    const failures = checkGate(metrics(0.79, 0.7, 0.4), floors);
    expect(failures.map((f) => f.floor)).toEqual(['stalking_recall', 'stalking_precision']);
    expect(failures[0]).toMatchObject({ minimum: 0.8, actual: 0.79 });
  });

  it('fails a floor whose figure is undefined on the data (null or NaN), even at a floor of 0', () => {
    const failures = checkGate(metrics(0.9, NaN, null), { stalking_recall: 0, s4a_recall: 0, stalking_precision: 0 });
    expect(failures.map((f) => f.floor)).toEqual(['s4a_recall', 'stalking_precision']);
    expect(failures.every((f) => f.actual === null)).toBe(true);
  });

  it('rejects floors it does not know how to check', () => {
    expect(floorsSchema.safeParse({ stalking_recal: 0.5 }).success).toBe(false);
    expect(floorsSchema.safeParse({ stalking_recall: 1.5 }).success).toBe(false);
    expect(floorsSchema.safeParse({ comment: 'x', s4a_average_precision: 0.5 }).success).toBe(true);
  });

  it('reads eval/floors.json, which names the four gated figures', async () => {
    const floorsInRepo = await loadFloors(floorsFile);
    expect(Object.keys(floorsInRepo).sort()).toEqual(['comment', 'high_risk_recall', 's4a_recall', 'stalking_precision', 'stalking_recall']);
  });

  it('checks high-risk recall from the risk matrix (labelled high, graded high)', () => {
    const m = { ...metrics(0.9, 0.9, 0.9), risk: { matrix: [[18, 2, 0], [0, 5, 0], [0, 0, 9]] } };
    expect(checkGate(m, { high_risk_recall: 0.9 })).toEqual([]);
    expect(checkGate(m, { high_risk_recall: 0.95 }).map((f) => f.message)).toEqual(['high-risk recall 0.900 is below the floor 0.95']);
    expect(checkGate(metrics(0.9, 0.9, 0.9), { high_risk_recall: 0.5 })[0]?.actual).toBeNull();
  });
});

async function goldMetrics(options: ScreenerOptions): Promise<EvaluationMetrics> {
  const { records, problems } = parseLabelledJsonl(await readFile(goldTest, 'utf8'));
  expect(problems, 'datasets/gold/test.jsonl has invalid lines').toEqual([]);
  const screener = await createScreener(options);
  try {
    const { metrics } = await evaluate({ records, screener, progress: false, bootstrap: { resamples: 200 } });
    return metrics;
  } finally {
    await screener.close();
  }
}

describe('quality gate on datasets/blind/test.jsonl (writers unseen in training)', () => {
  it('passes with the default screener, and every flagged record has an evidence span', async () => {
    const { records } = parseLabelledJsonl(await readFile(path.join(root, 'datasets/blind/test.jsonl'), 'utf8'));
    const screener = await createScreener({});
    try {
      const { metrics, results } = await evaluate({ records, screener, progress: false, bootstrap: { resamples: 100 } });
      expect(checkGate(metrics, await loadFloors(path.join(root, 'eval/floors-blind.json'))).map((f) => f.message)).toEqual([]);
      // A flag without a span would be a bug: every flagged record shows the words behind it.
      const unexplained = results.filter((r) => (r.stalking_flag || r.s4a_flag || r.flags.length) && !r.indicators.some((i) => i.spans.length > 0));
      expect(unexplained.map((r) => r.id)).toEqual([]);
    } finally {
      await screener.close();
    }
  }, 240_000);
});

describe('quality gate on datasets/gold/test.jsonl', () => {
  it.skipIf(!haveGold)('has real floors, not the 0 placeholders', async () => {
    const floors = await loadFloors(floorsFile);
    for (const key of ['stalking_recall', 's4a_recall', 'stalking_precision'] as const) {
      expect(floors[key], `eval/floors.json ${key} is still a placeholder`).toBeGreaterThan(0);
    }
  });

  it.skipIf(!haveGold)(
    'passes with the real screener and catalogue',
    async () => {
      const failures = checkGate(await goldMetrics({}), await loadFloors(floorsFile));
      expect(failures.map((f) => f.message)).toEqual([]);
    },
    180_000,
  );

  it.skipIf(!haveGold)(
    'fails with a broken rule set on the same data',
    async () => {
      const metrics = await goldMetrics({ mode: 'rules', catalogueDir: brokenCatalogue });
      const failures = checkGate(metrics, await loadFloors(floorsFile));
      expect(failures.length).toBeGreaterThan(0);
      // The broken rules find nothing, so stalking recall in particular cannot meet its floor.
      expect(failures.map((f) => f.floor)).toContain('stalking_recall');
    },
    180_000,
  );
});
