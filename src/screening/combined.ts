// The default screener's stages run over a batch of records: the rules (pipeline.ts) on each, the
// text model (text-model.ts) on all of them in one onnxruntime call, then the combining scorer
// (combine.ts). The same core runs in this thread or on the screening thread (worker.ts).
import { loadCatalogue } from '../rules/compile.ts';
import { combine, loadCombinedModel, type CombinedModel } from './combine.ts';
import { analyse } from './pipeline.ts';
import type { ScorerModel } from './score.ts';
import { loadNgramModel, loadTextEncoder, type TextScorer } from './text-model.ts';
import type { Screener, ScreeningRecord, ScreeningResult, Thresholds } from './types.ts';

export type TextModelKind = 'transformer' | 'ngram';

export interface CombinedCoreOptions {
  catalogueDir?: string;
  scorer: ScorerModel;
  /** Default: models/combined-scorer.json. */
  model?: CombinedModel;
  /** Overrides of the combined scorer's (or, for a text model alone, its own) thresholds. */
  thresholds?: Partial<Thresholds>;
  /** 'combined' (rules and text model, the default) or 'text' (the text model alone, for the ablation). */
  scoreWith?: 'combined' | 'text';
  textModel?: TextModelKind;
}

export interface BatchScreener {
  readonly thresholds: Thresholds;
  readonly versions: ScreeningResult['versions'];
  screenBatch(records: readonly ScreeningRecord[]): Promise<ScreeningResult[]>;
  close(): Promise<void>;
}

export async function createCombinedCore(options: CombinedCoreOptions): Promise<BatchScreener> {
  const scoreWith = options.scoreWith ?? 'combined';
  const model = options.model ?? loadCombinedModel();
  const catalogue = loadCatalogue(options.catalogueDir);
  // The text models this screener reads with: the one asked for alone, or those the combining scorer was fitted with.
  const kinds: TextModelKind[] =
    scoreWith === 'text'
      ? [options.textModel ?? 'transformer']
      : (['transformer', 'ngram'] as const).filter((k) => [...model.features, ...model.high_risk.features].some((f) => f.startsWith(k === 'transformer' ? 'text_' : 'ngram_')));
  const loaded: Partial<Record<TextModelKind, TextScorer>> = {};
  try {
    for (const kind of kinds) loaded[kind] = kind === 'transformer' ? await loadTextEncoder() : await loadNgramModel();
    if (scoreWith === 'combined') {
      // The combining scorer reads only the text models it was fitted with.
      for (const kind of kinds) {
        const want = model.text_models[kind];
        const have = loaded[kind]!;
        if (!want || want.id !== have.id || want.version !== have.version) {
          throw new Error(
            `combined scorer ${model.id} was fitted with ${kind} ${want ? `${want.id}@${want.version}` : '(none)'}, but models/ holds ${have.id}@${have.version}. ` +
              'Refit it: node --import tsx scripts/fit-combined.ts',
          );
        }
      }
    }
  } catch (err) {
    // What loaded before the failure holds native memory: release it before giving up.
    await Promise.all(Object.values(loaded).map((m) => m.close()));
    throw err;
  }
  const alone = kinds[0]!;
  const own = model.text_only[alone];
  const thresholds: Thresholds = { ...(scoreWith === 'combined' ? model.thresholds : { stalking: own?.stalking ?? 0.5, s4a: own?.s4a ?? 0.5 }), ...options.thresholds };
  const rulesThresholds = { stalking: options.scorer.stalking.threshold, s4a: options.scorer.s4a.threshold };
  const modelVersions = kinds.map((k) => `${loaded[k]!.id}@${loaded[k]!.version}`).join('+');
  const versions = { rules: catalogue.version, model: modelVersions, scorer: scoreWith === 'combined' ? model.id : `${loaded[alone]!.id}:alone` };
  return {
    thresholds,
    versions,
    async screenBatch(records) {
      const analyses = records.map((r) => analyse(r, catalogue, options.scorer, rulesThresholds));
      const texts = records.map((r) => r.text);
      const [transformer, ngram] = await Promise.all([loaded.transformer?.score(texts), loaded.ngram?.score(texts)]);
      return records.map((r, i) => combine(r, analyses[i]!, { transformer: transformer?.[i], ngram: ngram?.[i] }, model, thresholds, { scoreWith, versions }));
    },
    async close() {
      await Promise.all(Object.values(loaded).map((m) => m.close()));
    },
  };
}

/**
 * A Screener over a batch core: records asked for in one turn of the event loop are screened
 * together, so the text model runs once for all of them (a caller that wants the speed sends
 * several records before awaiting them, as eval and the CLI do).
 */
export function batched(core: BatchScreener): Screener {
  let pending: { record: ScreeningRecord; resolve: (r: ScreeningResult) => void; reject: (e: unknown) => void }[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    core.screenBatch(batch.map((p) => p.record)).then(
      (results) => batch.forEach((p, i) => p.resolve(results[i]!)),
      (err) => batch.forEach((p) => p.reject(err)),
    );
  };
  return {
    thresholds: core.thresholds,
    versions: core.versions,
    screen(record) {
      return new Promise((resolve, reject) => {
        if (pending.push({ record, resolve, reject }) === 1) setImmediate(flush);
      });
    },
    close: () => core.close(),
  };
}
