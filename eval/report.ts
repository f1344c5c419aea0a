// Writes an evaluation to disk: metrics.json (CONTRACT §3), predictions.jsonl, report.md and SVG charts.
// report.md is written for an ethics committee as much as for engineers: figures come with intervals,
// limits and subgroup gaps are stated, and errors are explained from the screener's own evidence.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { prCurveChart, reliabilityChart, scoreHistogramChart, subgroupRecallChart, type PrSeries } from './charts.ts';
import { num, pct, pctWithCi, signedPoints, table } from './format.ts';
import { metricsToJson, SUBGROUP_FIELDS, TASKS, type ErrorCase, type Evaluation, type EvaluationMetrics, type Task } from './harness.ts';

const TASK_NAMES: Record<Task, string> = {
  stalking: 'Stalking (any stalking course of conduct)',
  s4a: 's4A (stalking involving fear of violence or serious alarm or distress)',
};

/** Gaps this large (in recall) in a group big enough to judge are called out in the report. */
const NOTABLE_GAP = 0.1;

export interface WrittenEvaluation {
  dir: string;
  files: string[];
}

export async function writeEvaluation(outDir: string, evaluation: Evaluation): Promise<WrittenEvaluation> {
  const chartsDir = path.join(outDir, 'charts');
  await mkdir(chartsDir, { recursive: true });
  const files: string[] = [];
  const write = async (relative: string, content: string) => {
    await writeFile(path.join(outDir, relative), content);
    files.push(relative);
  };

  await write('metrics.json', metricsToJson(evaluation.metrics));
  await write('predictions.jsonl', predictionsJsonl(evaluation));
  const charts = await renderCharts(evaluation);
  for (const [name, svg] of Object.entries(charts)) await write(`charts/${name}`, svg);
  await write('report.md', renderReport(evaluation.metrics, Object.keys(charts)));
  return { dir: outDir, files };
}

/** One line per record: labels, scores and flags, no narrative (safe to share for re-analysis). */
function predictionsJsonl(evaluation: Evaluation): string {
  return evaluation.records
    .map((record, i) => {
      const r = evaluation.results[i]!;
      return JSON.stringify({
        id: record.id,
        label_stalking: record.label_stalking,
        label_s4a: record.label_s4a,
        label_risk: record.label_risk ?? null,
        stalking_score: r.stalking_score,
        stalking_flag: r.stalking_flag,
        s4a_score: r.s4a_score,
        s4a_flag: r.s4a_flag,
        risk_level: r.risk_level,
        flags: r.flags,
        recorded_as_class: r.recorded_as_class,
      });
    })
    .join('\n')
    .concat('\n');
}

export async function renderCharts(evaluation: Evaluation): Promise<Record<string, string>> {
  const { metrics, results, labels } = evaluation;
  const charts: Record<string, string> = {};
  for (const task of TASKS) {
    const m = metrics[task];
    const series: PrSeries[] = [{ name: 'screener', points: m.pr_curve, operating: { precision: m.precision, recall: m.recall } }];
    for (const [name, v] of Object.entries(metrics.ablation?.variants ?? {})) {
      series.push({ name, points: v[task].pr_curve, operating: { precision: v[task].precision, recall: v[task].recall } });
    }
    charts[`pr-${task}.svg`] = await prCurveChart(`Precision-recall: ${task} (AP ${num(m.average_precision, 2)})`, series);
    charts[`scores-${task}.svg`] = await scoreHistogramChart(
      `${task} scores by label (dashed: threshold ${num(m.threshold, 2)})`,
      results.map((r) => (task === 'stalking' ? r.stalking_score : r.s4a_score)),
      labels[task],
      m.threshold,
    );
    charts[`subgroup-recall-${task}.svg`] = await subgroupRecallChart(
      `${task} recall by subgroup (dashed: overall)`,
      SUBGROUP_FIELDS.filter((f) => f !== 'recorded_as').map((field) => ({
        field,
        overallRecall: metrics.subgroups[task][field].overall.recall,
        rows: metrics.subgroups[task][field].groups,
      })),
    );
  }
  charts['reliability.svg'] = await reliabilityChart(
    'Reliability diagram (dashed: perfect calibration)',
    TASKS.map((task) => ({ name: task, bins: metrics[task].reliability })),
  );
  return charts;
}

function headlineTable(m: EvaluationMetrics): string {
  return table(
    ['task', 'threshold', 'flagged', 'precision', 'recall', 'F1', 'average precision', 'WSS@95 (normalised)', 'ECE', 'Brier'],
    TASKS.map((task) => {
      const t = m[task];
      return [
        task,
        num(t.threshold, 2),
        `${t.flagged} of ${t.n}`,
        pctWithCi(t.precision, t.ci.precision),
        pctWithCi(t.recall, t.ci.recall),
        pctWithCi(t.f1, t.ci.f1),
        pctWithCi(t.average_precision, t.ci.average_precision),
        `${pct(t.wss_at_95)} (${pct(t.wss_at_95_normalised)})`,
        num(t.ece),
        num(t.brier),
      ];
    }),
  );
}

function plainEnglish(m: EvaluationMetrics, task: Task): string {
  const t = m[task];
  const c = t.confusion;
  return [
    `- **${TASK_NAMES[task]}.** ${t.positives} of ${t.n} records (${pct(t.prevalence)}) are labelled positive.`,
    `  At the operating threshold of ${num(t.threshold, 2)} the screener flagged ${t.flagged} records: ${c.tp} labelled positive and ${c.fp} not.`,
    `  It did **not** flag ${c.fn} of the ${t.positives} positive records (recall ${pct(t.recall)}); these would reach no reviewer through this tool.`,
    `  Reading records in score order, reviewers would reach 95% of positives after reading ${pct(1 - t.wss_detail.unflagged_fraction)} of all records`,
    `  (work saved over random reading at 95% recall: ${pct(t.wss_at_95)}; ${pct(t.wss_at_95_normalised)} of the most any ranking could save on this data).`,
  ].join('\n');
}

function budgetTable(m: EvaluationMetrics): string {
  return table(
    ['task', 'top 5% of records', 'top 10%', 'top 20%'],
    TASKS.map((task) => [task, pct(m[task].recall_at_budget['5']), pct(m[task].recall_at_budget['10']), pct(m[task].recall_at_budget['20'])]),
  );
}

function calibrationSection(m: EvaluationMetrics): string {
  const parts: string[] = [];
  for (const task of TASKS) {
    const rows = m[task].reliability.filter((b) => b.count > 0).map((b) => [`${num(b.lower, 1)}-${num(b.upper, 1)}`, b.count, num(b.mean_score, 2), pct(b.fraction_positive)]);
    parts.push(`**${task}** (ECE ${num(m[task].ece)}, Brier ${num(m[task].brier)})\n\n${table(['score bin', 'records', 'mean score', 'observed positive'], rows)}`);
  }
  return parts.join('\n\n');
}

function recordedAsSection(m: EvaluationMetrics): string {
  return table(
    ['recorded as', 'records', 'labelled stalking', 'stalking flagged', 'stalking missed', 'stalking false alarms', 'labelled s4A', 's4A missed', 's4A false alarms'],
    m.by_recorded_as.map((r) => [
      r.recorded_as,
      r.n,
      r.stalking.tp + r.stalking.fn,
      r.stalking.tp + r.stalking.fp,
      r.stalking.fn,
      r.stalking.fp,
      r.s4a.tp + r.s4a.fn,
      r.s4a.fn,
      r.s4a.fp,
    ]),
  );
}

function riskSection(m: EvaluationMetrics): string {
  if (m.risk.n_labelled === 0) return 'No record in this dataset carries a `label_risk`; risk grading was not evaluated.';
  const rows = m.risk.classes.map((c, i) => [`labelled ${c}`, ...m.risk.matrix[i]!.map(String)]);
  return [
    `${m.risk.n_labelled} records carry a risk label. Agreement ${pct(m.risk.accuracy)}. **${m.risk.high_missed}** record(s) labelled high risk were graded lower by the screener.`,
    '',
    table(['', ...m.risk.classes.map((c) => `graded ${c}`)], rows),
  ].join('\n');
}

function subgroupSection(m: EvaluationMetrics, task: Task): string {
  const parts: string[] = [];
  const notable: string[] = [];
  for (const field of SUBGROUP_FIELDS) {
    const t = m.subgroups[task][field];
    if (t.groups.length < 2) continue;
    const rows = t.groups.map((g) => [
      g.group,
      g.n,
      g.positives,
      pct(g.recall),
      signedPoints(g.recall_gap),
      pct(g.flag_rate),
      signedPoints(g.flag_rate_gap),
      g.small ? 'small group: indicative only' : '',
    ]);
    parts.push(`*By ${field.replace('_', ' ')}*\n\n${table([field, 'records', 'positives', 'recall', 'gap', 'flag rate', 'gap', 'note'], rows)}`);
    for (const g of t.groups) {
      if (!g.small && Number.isFinite(g.recall_gap) && g.recall_gap <= -NOTABLE_GAP) {
        notable.push(`- ${field} = **${g.group}**: recall ${pct(g.recall)}, ${(-g.recall_gap * 100).toFixed(1)} points below overall (${g.positives} positives).`);
      }
    }
  }
  const summary = notable.length
    ? `Groups whose recall is ${NOTABLE_GAP * 100} points or more below the overall figure (groups of at least 10 records and 5 positives):\n\n${notable.join('\n')}`
    : `No group of at least 10 records and 5 positives has recall ${NOTABLE_GAP * 100} points or more below the overall figure.`;
  return `${summary}\n\n${parts.join('\n\n')}`;
}

function errorList(cases: ErrorCase[]): string {
  if (cases.length === 0) return 'None.';
  return cases
    .map((c) => {
      const evidence = c.indicators.length
        ? c.indicators
            .map((i) => `${i.code}${i.context.length ? ` [${i.context.join(', ')}]` : ''}${i.spans.length ? `: "${i.spans.join('" / "')}"` : ''}`)
            .join('; ')
        : 'no indicator found';
      return [
        `- **${c.id}** score ${num(c.score, 2)} (threshold ${num(c.threshold, 2)}), recorded as ${c.recorded_as ?? '(none)'}, graded ${c.risk_level}${c.label_risk ? ` (labelled ${c.label_risk})` : ''}${c.scenario ? `, scenario ${c.scenario}` : ''}`,
        `  - found: ${evidence}`,
        `  - screener said: ${c.recommendation || '(no recommendation)'}`,
        `  - text begins: "${c.excerpt}"`,
      ].join('\n');
    })
    .join('\n');
}

function ablationSection(m: EvaluationMetrics): string {
  if (!m.ablation) return '';
  const rows = Object.entries(m.ablation.variants).flatMap(([name, v]) =>
    TASKS.map((task) => [
      name,
      task,
      num(v[task].threshold, 2),
      pct(v[task].precision),
      pct(v[task].recall),
      num(v[task].average_precision),
      pct(v[task].recall_at_operating_precision),
      num(v[task].ece),
      v.versions.scorer,
    ]),
  );
  return [
    '## Ablation',
    '',
    `Each variant screened the same records. "Recall at operating precision" is the best recall the variant reaches while keeping precision at or above the main screener's (${TASKS.map((t) => `${t} ${pct(m.ablation!.reference_precision[t])}`).join(', ')}).`,
    '',
    table(['variant', 'task', 'threshold', 'precision', 'recall', 'PR-AUC (AP)', 'recall at operating precision', 'ECE', 'scorer'], rows),
    '',
  ].join('\n');
}

function limits(m: EvaluationMetrics): string[] {
  const out = [
    'The labels are human judgements about text alone. Officers\' own classifications are weak ground truth (most forces told the 2024 super-complaint investigation that officers struggle to separate s2A from s4A), and labellers can disagree too, especially over "serious alarm or distress".',
    'The screener reads one record at a time here. Patterns that appear only across linked records (`LINKED_PATTERN`) are not measured by this evaluation.',
    'Confidence intervals are percentile bootstrap intervals over records. They express sampling uncertainty on this dataset only; they do not cover a different force, a different recording practice, or text written differently from this dataset.',
    'Synthetic or invented narratives are cleaner and more regular than real control-room logs and crime records. Figures on real data are expected to be lower until measured.',
    'A flag is a prompt for a trained reviewer, not a finding. These figures say how often the prompt is right or missing, not whether any decision made with it is right.',
  ];
  for (const task of TASKS) {
    const t = m[task];
    if (t.positives < 30) out.push(`Only ${t.positives} records are labelled positive for ${task}: its recall interval is wide and a single record moves recall by ${pct(1 / Math.max(1, t.positives))}.`);
    if (t.ci.recall.valid < m.bootstrap.resamples) out.push(`For ${task}, ${m.bootstrap.resamples - t.ci.recall.valid} of ${m.bootstrap.resamples} bootstrap resamples had no positive record; the recall interval uses the rest.`);
  }
  if (m.risk.n_labelled > 0 && m.risk.n_labelled < 30) out.push(`Risk grading is judged on only ${m.risk.n_labelled} labelled records.`);
  return out.map((l) => `- ${l}`);
}

export function renderReport(m: EvaluationMetrics, charts: string[] = []): string {
  const chartLinks = charts.map((c) => `![${c}](charts/${c})`).join('\n\n');
  return [
    '# Stalking screener: offline evaluation report',
    '',
    'The screener is a screening aid. It reads incident and crime narratives and suggests records that may describe stalking',
    'or the s4A offence and that may be recorded as something else. Trained reviewers decide; nothing here is an automated decision.',
    '',
    `- Dataset: ${m.dataset.path ?? '(in memory)'}${m.dataset.sha256 ? ` (sha256 ${m.dataset.sha256.slice(0, 12)})` : ''}, ${m.n} labelled records`,
    `- Screener versions: rules ${m.screener.versions.rules}, model ${m.screener.versions.model}, scorer ${m.screener.versions.scorer}`,
    `- Operating thresholds (the ones \`screen\` uses for its flags): stalking ${num(m.screener.thresholds.stalking, 2)}, s4A ${num(m.screener.thresholds.s4a, 2)}`,
    `- Intervals: ${Math.round(m.bootstrap.level * 100)}% percentile bootstrap, ${m.bootstrap.resamples} resamples, seed ${m.bootstrap.seed}`,
    `- Generated: ${m.generated_at}`,
    '',
    '## Headline figures',
    '',
    headlineTable(m),
    '',
    'What they mean:',
    '',
    ...TASKS.map((task) => plainEnglish(m, task)),
    '',
    'Precision is the share of flagged records that are labelled positive; recall is the share of positive records that were flagged;',
    'average precision summarises precision over every threshold; ECE (expected calibration error) is the average gap between the score',
    'and the observed rate of positives, so a well-calibrated score of 0.7 is right about 70% of the time.',
    '',
    '## Review budget',
    '',
    'If reviewers can read only the highest-scoring part of the records, the share of positive records they would reach:',
    '',
    budgetTable(m),
    '',
    '## Calibration',
    '',
    calibrationSection(m),
    '',
    '## By recorded classification',
    '',
    'Where the screener adds most value is in records recorded as something other than stalking. "Missed" counts records labelled positive that the screener did not flag.',
    '',
    recordedAsSection(m),
    '',
    '## Risk grading',
    '',
    riskSection(m),
    '',
    '## Subgroups',
    '',
    'Recall and flag rate per group, with the gap to the overall figure. A negative recall gap means stalking in that group is missed more often.',
    '',
    ...TASKS.flatMap((task) => [`### ${task}`, '', subgroupSection(m, task), '']),
    '## Error analysis',
    '',
    'The most confident mistakes, explained by what the screener found (indicator codes, the ConText modifiers applied to them, and the words they matched).',
    'Narrative quoted per record is limited to 300 characters.',
    '',
    ...TASKS.flatMap((task) => [
      `### ${task}: missed (false negatives, lowest scores first)`,
      '',
      errorList(m.errors[task].false_negatives),
      '',
      `### ${task}: false alarms (false positives, highest scores first)`,
      '',
      errorList(m.errors[task].false_positives),
      '',
    ]),
    ablationSection(m),
    '## Limits of this evaluation',
    '',
    ...limits(m),
    '',
    ...(m.warnings.length ? ['## Warnings', '', ...m.warnings.map((w) => `- ${w}`), ''] : []),
    ...(chartLinks ? ['## Charts', '', chartLinks, ''] : []),
  ].join('\n');
}
