// Evaluation charts as SVG: Vega-Lite specs compiled to Vega and rendered headless (no canvas, no browser).
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { PrPoint, ReliabilityBin, SubgroupRow } from './metrics.ts';

const WIDTH = 420;
const HEIGHT = 300;

/** Compile a Vega-Lite spec and render it to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** A quantitative axis fixed to [0, 1], for probabilities and rates. */
const unitAxis = (field: string, title: string) => ({ field, type: 'quantitative' as const, scale: { domain: [0, 1] }, title });

export interface PrSeries {
  name: string;
  points: PrPoint[];
  /** The operating point (the screener's threshold), drawn as a dot. */
  operating?: { precision: number; recall: number };
}

export function prCurveChart(title: string, series: PrSeries[]): Promise<string> {
  // sklearn's convention: the curve starts at (recall 0, precision 1).
  const curve = series.flatMap((s) => [
    { variant: s.name, order: -1, recall: 0, precision: 1 },
    ...s.points.map((p, order) => ({ variant: s.name, order, recall: finite(p.recall), precision: finite(p.precision) })),
  ]);
  const operating = series.filter((s) => s.operating).map((s) => ({ variant: s.name, ...s.operating! }));
  const x = unitAxis('recall', 'Recall');
  const y = unitAxis('precision', 'Precision');
  const color = { field: 'variant', type: 'nominal', title: null } as const;
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: WIDTH,
    height: HEIGHT,
    layer: [
      { data: { values: curve }, mark: { type: 'line', interpolate: 'step-after' }, encoding: { x, y, color, order: { field: 'order' } } },
      { data: { values: operating }, mark: { type: 'point', filled: true, size: 80 }, encoding: { x, y, color } },
    ],
  });
}

export interface ReliabilitySeries {
  name: string;
  bins: ReliabilityBin[];
}

export function reliabilityChart(title: string, series: ReliabilitySeries[]): Promise<string> {
  const points = series.flatMap((s) =>
    s.bins.filter((b) => b.count > 0).map((b) => ({ task: s.name, mean_score: b.mean_score, fraction_positive: b.fraction_positive, count: b.count })),
  );
  const x = unitAxis('mean_score', 'Mean predicted probability');
  const y = unitAxis('fraction_positive', 'Observed fraction positive');
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: [{ a: 0, b: 0 }, { a: 1, b: 1 }] },
        mark: { type: 'line', strokeDash: [4, 4], color: 'grey' },
        encoding: { x: unitAxis('a', 'Mean predicted probability'), y: unitAxis('b', 'Observed fraction positive') },
      },
      { data: { values: points }, mark: { type: 'line', point: true }, encoding: { x, y, color: { field: 'task', type: 'nominal', title: null } } },
      { data: { values: points }, mark: { type: 'circle', opacity: 0.25 }, encoding: { x, y, color: { field: 'task', type: 'nominal' }, size: { field: 'count', type: 'quantitative', title: 'records' } } },
    ],
  });
}

export interface SubgroupBars {
  field: string;
  overallRecall: number;
  rows: SubgroupRow[];
}

export function subgroupRecallChart(title: string, tables: SubgroupBars[]): Promise<string> {
  const bars = tables.flatMap((t) =>
    t.rows
      .filter((r) => r.positives > 0)
      .map((r) => ({ field: t.field, group: `${t.field}: ${r.group}`, recall: r.recall, label: `n=${r.n}, pos=${r.positives}${r.small ? ' (small)' : ''}` })),
  );
  const overall = tables.length ? tables[0]!.overallRecall : NaN;
  const y = { field: 'group', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320 } } as const;
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: WIDTH,
    layer: [
      {
        data: { values: bars },
        mark: 'bar',
        encoding: { y, x: unitAxis('recall', 'Recall'), color: { field: 'field', type: 'nominal', legend: null } },
      },
      {
        data: { values: bars },
        mark: { type: 'text', align: 'left', dx: 4 },
        encoding: { y, x: { field: 'recall', type: 'quantitative' }, text: { field: 'label' } },
      },
      ...(Number.isFinite(overall)
        ? [{ data: { values: [{ overall }] }, mark: { type: 'rule' as const, strokeDash: [4, 4], color: 'black' }, encoding: { x: { field: 'overall', type: 'quantitative' as const } } }]
        : []),
    ],
  });
}

export function scoreHistogramChart(title: string, scores: readonly number[], labels: readonly boolean[], threshold: number): Promise<string> {
  const values = scores.map((score, i) => ({ score, label: labels[i] ? 'labelled positive' : 'labelled negative' }));
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values },
        mark: { type: 'bar', opacity: 0.7 },
        encoding: {
          x: { field: 'score', type: 'quantitative', bin: { extent: [0, 1], step: 0.05 }, title: 'Score' },
          y: { aggregate: 'count', type: 'quantitative', stack: null, title: 'Records' },
          color: { field: 'label', type: 'nominal', title: null },
        },
      },
      {
        data: { values: [{ threshold }] },
        mark: { type: 'rule', color: 'black', strokeDash: [4, 4] },
        encoding: { x: { field: 'threshold', type: 'quantitative' } },
      },
    ],
  });
}
