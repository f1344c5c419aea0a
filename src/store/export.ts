// Reviewer decisions as a labelled dataset (datasets/schema.ts): the record as it was decided plus
// label_stalking / label_s4a, so human decisions can feed evaluation and retraining.
import { type Kysely, sql } from 'kysely';
import type { Database, DecisionValue } from './schema.ts';

type Db = Kysely<Database>;

/** The labels a decision implies; null when it settles nothing (more information needed). */
export function labelsFor(decision: DecisionValue): { label_stalking: boolean; label_s4a: boolean } | null {
  switch (decision) {
    case 'stalking_s4a':
      return { label_stalking: true, label_s4a: true };
    case 'stalking_s2a':
      return { label_stalking: true, label_s4a: false };
    case 'not_stalking':
      return { label_stalking: false, label_s4a: false };
    case 'needs_more_information':
      return null;
  }
}

export interface LabelledExport {
  lines: Record<string, unknown>[];
  recordIds: string[];
  /** Records whose latest decision was needs_more_information, left out. */
  skipped: number;
}

/** The latest decision on each record (optionally decided since a date), as labelled records. */
export async function exportDecisions(db: Db, opts: { since?: string | undefined } = {}): Promise<LabelledExport> {
  const rows = await db
    .selectFrom('decisions as d')
    .innerJoin('record_versions as v', (j) => j.onRef('v.record_id', '=', 'd.record_id').onRef('v.version', '=', 'd.record_version'))
    .distinctOn('d.record_id')
    .select(['d.record_id', 'd.decision', 'd.reason', 'd.recommended_classification', 'd.decided_at', 'v.payload'])
    .$if(!!opts.since, (q) => q.where('d.decided_at', '>=', sql<Date>`${opts.since}::timestamptz`))
    .orderBy('d.record_id')
    .orderBy('d.id', 'desc')
    .execute();
  const lines: Record<string, unknown>[] = [];
  let skipped = 0;
  for (const r of rows) {
    const labels = labelsFor(r.decision);
    if (!labels) {
      skipped++;
      continue;
    }
    lines.push({
      ...r.payload,
      ...labels,
      // The dataset's rationale is one line.
      rationale: r.reason.replace(/\s+/g, ' ').trim(),
      review_decision: r.decision,
      ...(r.recommended_classification ? { recommended_classification: r.recommended_classification } : {}),
      decided_at: new Date(r.decided_at).toISOString(),
    });
  }
  return { lines, recordIds: lines.map((l) => String(l.id)), skipped };
}
