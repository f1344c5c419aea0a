// The quality gate: metrics below their floors fail the build. Floors live in eval/floors.json as data.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const TASKS = ['stalking', 's4a'] as const;
const FLOOR_METRICS = ['precision', 'recall', 'f1', 'average_precision', 'wss_at_95', 'wss_at_95_normalised'] as const;

/** `<task>_<metric>` keys (and `high_risk_recall`), each a floor in [0, 1]; `comment` documents the file. */
const floorKey = z.union([z.templateLiteral([z.enum(TASKS), '_', z.enum(FLOOR_METRICS)]), z.literal('high_risk_recall')]);
export const floorsSchema = z.object({ comment: z.string().optional() }).catchall(z.number().min(-1).max(1)).superRefine((floors, ctx) => {
  for (const key of Object.keys(floors)) {
    if (key !== 'comment' && !floorKey.safeParse(key).success) ctx.addIssue({ code: 'custom', path: [key], message: `unknown floor ${key}` });
  }
});
export type Floors = z.infer<typeof floorsSchema>;

/** The part of metrics.json the gate reads; figures are null there when undefined on the data. */
export type GateMetrics = Record<(typeof TASKS)[number], Partial<Record<(typeof FLOOR_METRICS)[number], number | null>>> & {
  /** risk.matrix[label][predicted] with 'high' first, as metrics.json holds it. */
  risk?: { matrix: number[][] };
};

/** Share of the records labelled high risk that were graded high (null when none is labelled high). */
export function highRiskRecall(metrics: GateMetrics): number | null {
  const row = metrics.risk?.matrix[0];
  const n = row?.reduce((a, b) => a + b, 0) ?? 0;
  return n ? row![0]! / n : null;
}

export interface GateFailure {
  floor: string;
  minimum: number;
  actual: number | null;
  message: string;
}

/** Every floor the metrics fall below. A figure that is undefined on the data (null/NaN) fails its floor. */
export function checkGate(metrics: GateMetrics, floors: Floors): GateFailure[] {
  const failures: GateFailure[] = [];
  for (const [key, minimum] of Object.entries(floors)) {
    if (key === 'comment' || typeof minimum !== 'number') continue;
    const [task, ...rest] = key === 'high_risk_recall' ? ['high-risk', 'recall'] : key.split('_');
    const metric = rest.join('_') as (typeof FLOOR_METRICS)[number];
    const raw = key === 'high_risk_recall' ? highRiskRecall(metrics) : metrics[task as (typeof TASKS)[number]]?.[metric];
    const actual = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
    if (actual === null || actual < minimum) {
      failures.push({
        floor: key,
        minimum,
        actual,
        message: actual === null ? `${task} ${metric} is undefined on this data (floor ${minimum})` : `${task} ${metric} ${actual.toFixed(3)} is below the floor ${minimum}`,
      });
    }
  }
  return failures;
}

export async function loadFloors(file: string): Promise<Floors> {
  return floorsSchema.parse(JSON.parse(await readFile(file, 'utf8')));
}
