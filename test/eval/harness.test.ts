// The harness over a table-driven fake screener: the expected figures follow from the table by hand.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate, NARRATIVE_BUDGET, unlabelled } from '../../eval/harness.ts';
import { renderModelCard, PLACEHOLDER, writeModelCard } from '../../eval/model-card.ts';
import { writeEvaluation } from '../../eval/report.ts';
import type { Indicator } from '../../src/screening/types.ts';
import { fakeScreener, labelled, type FakeOutput } from '../fixtures/eval/fake-screener.ts';

// Ten records, the scores of metrics.test.ts fixture A: stalking positives r0, r1, r3, r5, r8.
// s4A positives r0, r3 (a subset of stalking positives).
const stalkingScores = [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1];
const stalkingLabels = [true, true, false, true, false, true, false, false, true, false];
const s4aScores = [0.7, 0.2, 0.6, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
const s4aLabels = [true, false, false, true, false, false, false, false, false, false];

const longSpan = 'he has been sitting outside her flat in a silver car every night this week and '.repeat(4);
const spanIndicator = (code: string, text: string, negated = false): Indicator => ({
  code,
  category: 'behaviour',
  label: `label ${code}`,
  spans: [{ start: 0, end: text.length, text }],
  source: 'rule',
  weight: 1,
  reason: 'test',
  ...(negated
    ? { context: { negated: true, hypothetical: false, historical: false, other_experiencer: false, proxy: false, uncertain: false, counter_allegation: false, quoted: false, cues: [] } }
    : {}),
});

const records = stalkingScores.map((_, i) =>
  labelled(`r${i}`, stalkingLabels[i]!, s4aLabels[i]!, {
    text: i === 8 ? `LONG NARRATIVE ${'x'.repeat(1000)}` : `Narrative ${i}.`,
    relationship: i < 5 ? 'ex-partner' : 'neighbour',
    style: 'control_room_log',
    online: i % 2 === 0,
    recorded_as: i < 4 ? 'Harassment s2' : 'Malicious Communications',
    label_risk: i === 0 ? 'high' : 'standard',
    scenario: i < 5 ? 'positive:x' : 'hard_negative:y',
    indicators: ['A1'],
    rationale: 'a label rationale the screener must never see',
  }),
);

const table: Record<string, FakeOutput> = Object.fromEntries(
  records.map((r, i) => [
    r.id,
    {
      stalking: stalkingScores[i]!,
      s4a: s4aScores[i]!,
      risk: i === 0 ? 'medium' : 'standard',
      // The screener's normalised class wins over the raw string when present (r0-r3).
      recorded_as_class: i < 4 ? 'harassment' : null,
      indicators: i === 8 ? [spanIndicator('C4', longSpan), spanIndicator('A1', longSpan, true), spanIndicator('A2', longSpan)] : [],
    },
  ]),
);

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('evaluate', () => {
  it('never passes labels or label-derived fields to the screener', async () => {
    const screener = fakeScreener(table);
    await evaluate({ records, screener, progress: false, bootstrap: { resamples: 50 } });
    expect(screener.seen).toHaveLength(10);
    for (const seen of screener.seen) {
      for (const field of ['label_stalking', 'label_s4a', 'label_risk', 'indicators', 'rationale', 'scenario']) expect(seen).not.toHaveProperty(field);
      expect(seen).toHaveProperty('recorded_as');
      expect(seen).toHaveProperty('relationship');
    }
    expect(unlabelled(records[0]!)).toEqual({ id: 'r0', text: 'Narrative 0.', relationship: 'ex-partner', recorded_as: 'Harassment s2' });
  });

  it('computes the contract figures at the screener thresholds', async () => {
    const { metrics } = await evaluate({ records, screener: fakeScreener(table), progress: false, bootstrap: { resamples: 200 } });
    expect(metrics.n).toBe(10);
    // As metrics.test.ts fixture A at 0.5: tp 4, fp 2, fn 1 -> P 2/3, R 0.8, F1 16/22, AP 0.79444.
    expect(metrics.stalking.threshold).toBe(0.5);
    expect(metrics.stalking.precision).toBeCloseTo(2 / 3, 12);
    expect(metrics.stalking.recall).toBeCloseTo(0.8, 12);
    expect(metrics.stalking.f1).toBeCloseTo(16 / 22, 12);
    expect(metrics.stalking.average_precision).toBeCloseTo(0.4 + 0.15 + 2 / 15 + 1 / 9, 12);
    // WSS@95 (P = 5 < 20 needs all 5): the last positive is r8 (0.2) -> 9 flagged, 1 unflagged: 1/10 - 0.05.
    expect(metrics.stalking.wss_at_95).toBeCloseTo(0.05, 12);
    // s4A at 0.5: flagged r0 (T), r2 (F) -> P 1/2; r3 (0.3) missed -> R 1/2.
    expect(metrics.s4a.precision).toBeCloseTo(0.5, 12);
    expect(metrics.s4a.recall).toBeCloseTo(0.5, 12);
    // Budgets: 10 records -> 5% and 10% read 1 record (r0, T) = 1/5; 20% reads r0, r1 = 2/5.
    expect(metrics.stalking.recall_at_budget).toEqual({ '5': 0.2, '10': 0.2, '20': 0.4 });
    for (const key of ['precision', 'recall', 'f1', 'average_precision'] as const) {
      expect(metrics.stalking.ci[key].lower).toBeLessThanOrEqual(metrics.stalking.ci[key].upper);
    }
    expect(metrics.warnings).toEqual([]);
  });

  it('groups by recorded_as class when the screener gives one, else by the raw string', async () => {
    const { metrics } = await evaluate({ records, screener: fakeScreener(table), progress: false, bootstrap: { resamples: 20 } });
    const keys = metrics.by_recorded_as.map((r) => r.recorded_as).sort();
    expect(keys).toEqual(['Malicious Communications', 'harassment']);
    const harassment = metrics.by_recorded_as.find((r) => r.recorded_as === 'harassment')!;
    // r0-r3: labels T,T,F,T; scores .9,.8,.7,.6 all flagged -> tp 3, fp 1.
    expect(harassment.stalking).toEqual({ tp: 3, fp: 1, tn: 0, fn: 0 });
  });

  it('reports risk-level confusion against label_risk', async () => {
    const { metrics } = await evaluate({ records, screener: fakeScreener(table), progress: false, bootstrap: { resamples: 20 } });
    // r0 labelled high, graded medium; the other nine standard/standard.
    expect(metrics.risk.matrix).toEqual([
      [0, 1, 0],
      [0, 0, 0],
      [0, 0, 9],
    ]);
    expect(metrics.risk.high_missed).toBe(1);
  });

  it('computes subgroup gaps per field', async () => {
    const { metrics } = await evaluate({ records, screener: fakeScreener(table), progress: false, bootstrap: { resamples: 20 } });
    const rel = metrics.subgroups.stalking.relationship;
    // ex-partner r0-r4: positives r0, r1, r3 all flagged -> recall 1 (gap +0.2).
    // neighbour r5-r9: positives r5 (flagged), r8 (missed) -> recall 0.5 (gap -0.3).
    expect(rel.groups.find((g) => g.group === 'ex-partner')!.recall_gap).toBeCloseTo(0.2, 12);
    expect(rel.groups.find((g) => g.group === 'neighbour')!.recall_gap).toBeCloseTo(-0.3, 12);
    expect(metrics.subgroups.stalking.scenario_family.groups.map((g) => g.group).sort()).toEqual(['hard_negative', 'positive']);
    expect(metrics.subgroups.stalking.online.groups.map((g) => g.group).sort()).toEqual(['offline', 'online']);
  });

  it('lists errors most-confident first and quotes at most 300 characters of narrative', async () => {
    const { metrics } = await evaluate({ records, screener: fakeScreener(table), progress: false, bootstrap: { resamples: 20 } });
    // Stalking FN: r8 only. FP: r2 (0.7) then r4 (0.55).
    expect(metrics.errors.stalking.false_negatives.map((e) => e.id)).toEqual(['r8']);
    expect(metrics.errors.stalking.false_positives.map((e) => e.id)).toEqual(['r2', 'r4']);
    const miss = metrics.errors.stalking.false_negatives[0]!;
    expect(miss.indicators.map((i) => i.code)).toEqual(['C4', 'A1', 'A2']);
    expect(miss.indicators[1]!.context).toEqual(['negated']);
    const narrative = miss.excerpt.length + miss.indicators.flatMap((i) => i.spans).reduce((s, t) => s + t.length, 0);
    expect(narrative).toBeLessThanOrEqual(NARRATIVE_BUDGET);
    expect(miss.excerpt.startsWith('LONG NARRATIVE')).toBe(true);
    expect(miss.indicators[0]!.spans[0]!.length).toBeLessThanOrEqual(60);
  });

  it('warns when a flag disagrees with its score and threshold, and measures the flag', async () => {
    const broken = { ...table, r9: { ...table.r9!, stalking_flag: true } };
    const { metrics } = await evaluate({ records, screener: fakeScreener(broken), progress: false, bootstrap: { resamples: 20 } });
    expect(metrics.warnings).toHaveLength(1);
    expect(metrics.warnings[0]).toContain('stalking_flag');
    // The metrics follow the flag screen returned: r9 (label F) now counts as a false alarm -> P 4/7.
    expect(metrics.stalking.confusion).toEqual({ tp: 4, fp: 3, tn: 2, fn: 1 });
    expect(metrics.stalking.precision).toBeCloseTo(4 / 7, 12);
  });

  it('compares variants in an ablation section', async () => {
    const rules = fakeScreener(table);
    // A variant that ranks every positive first: scores 0.9 for positives, 0.1 for negatives.
    const perfect = fakeScreener(
      Object.fromEntries(records.map((r) => [r.id, { stalking: r.label_stalking ? 0.9 : 0.1, s4a: r.label_s4a ? 0.9 : 0.1 }])),
    );
    const { metrics } = await evaluate({ records, screener: rules, variants: { rules, perfect }, progress: false, bootstrap: { resamples: 20 } });
    expect(rules.seen).toHaveLength(10); // the reference screener's results are reused, not recomputed
    const a = metrics.ablation!;
    expect(a.reference_precision.stalking).toBeCloseTo(2 / 3, 12);
    // rules: best recall at precision >= 2/3 is 0.8 (metrics.test.ts); perfect: 1 with AP 1.
    expect(a.variants.rules!.stalking.recall_at_operating_precision).toBeCloseTo(0.8, 12);
    expect(a.variants.perfect!.stalking.recall_at_operating_precision).toBe(1);
    expect(a.variants.perfect!.stalking.average_precision).toBe(1);
  });
});

describe('writeEvaluation and the model card', () => {
  it('writes metrics.json with the CONTRACT §3 fields, a report, predictions and SVG charts', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'eval-'));
    dirs.push(dir);
    // Nothing labelled s4A positive in this subset: s4A recall and AP are undefined and must be null.
    const subset = records.slice(4, 8).map((r) => ({ ...r, label_s4a: false }));
    const evaluation = await evaluate({ records: subset, screener: fakeScreener(table), progress: false, bootstrap: { resamples: 50 } });
    const written = await writeEvaluation(dir, evaluation);
    const metrics = JSON.parse(await readFile(path.join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.n).toBe(4);
    for (const task of ['stalking', 's4a']) {
      for (const key of ['threshold', 'precision', 'recall', 'f1', 'average_precision', 'wss_at_95', 'ece']) expect(metrics[task]).toHaveProperty(key);
    }
    expect(typeof metrics.stalking.precision).toBe('number');
    expect(metrics.s4a.recall).toBeNull();
    expect(metrics.s4a.average_precision).toBeNull();

    const report = await readFile(path.join(dir, 'report.md'), 'utf8');
    for (const heading of ['## Headline figures', '## Subgroups', '## Error analysis', '## Limits of this evaluation', '## Risk grading']) expect(report).toContain(heading);
    expect(report).toContain('95% CI');

    const predictions = (await readFile(path.join(dir, 'predictions.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(predictions.map((p) => p.id)).toEqual(['r4', 'r5', 'r6', 'r7']);
    expect(predictions[0]).not.toHaveProperty('text');

    const charts = await readdir(path.join(dir, 'charts'));
    expect(charts.length).toBeGreaterThanOrEqual(7);
    for (const c of charts) expect(await readFile(path.join(dir, 'charts', c), 'utf8')).toContain('<svg');
    expect(written.files).toContain('report.md');

    const cardPath = path.join(dir, 'docs', 'model-card.md');
    await writeModelCard(path.join(dir, 'metrics.json'), cardPath);
    const card = await readFile(cardPath, 'utf8');
    for (const section of ['## Intended use', '## Not intended use', '## Data', '## Subgroup results', '## Limits', '## Human in the loop', '## Tier 1: summary', '### Owner and responsibility', '### Description and rationale', '### Decision-making process', '### Data', '### Impact assessments', '### Risks and mitigations']) {
      expect(card).toContain(section);
    }
    expect(card).toContain(PLACEHOLDER);
    // Figures from metrics.json appear; undefined ones read n/a rather than 0%.
    expect(card).toContain(`of the records labelled stalking it flagged ${(metrics.stalking.recall * 100).toFixed(1)}%`);
    expect(card).toContain('For s4A the figures are n/a');
    // The bundled embedding model's provenance and checksums come from its manifest.
    const manifest = JSON.parse(await readFile('models/wink-sg-100d/manifest.json', 'utf8')) as { files: Record<string, string> };
    expect(card).toContain('## Embedding model and hybrid scorer');
    expect(card).toContain(manifest.files['onnx/model_quantized.onnx']);
    expect(card).toContain('Limits of this model');
  });

  it('renders the model card from in-memory metrics too', async () => {
    const { metrics } = await evaluate({ records, screener: fakeScreener(table), progress: false, bootstrap: { resamples: 20 } });
    const card = renderModelCard(metrics, { metricsSource: 'x/metrics.json' });
    expect(card).toContain('x/metrics.json');
    expect(card).toContain('80.0%'); // stalking recall 4/5
    expect(card).toContain('No automated decisions');
  });
});
