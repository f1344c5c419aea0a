// Builds every screener from the pipeline's stages, in one place: the CLI, the API, the re-screening
// jobs and the harness ask for a mode here. The stages never import this file.
//
//   combined (default)  rules (pipeline.ts) + the transformer text model (text-model.ts), weighed
//                       by the combining scorer (combine.ts), recall-first thresholds
//   rules               the rules alone, scored by their logistic scorer (score.ts)
//   keyword             the plain keyword search a screening unit runs today (keyword.ts)
//   transformer, ngram  a text model alone (the ablation's rows)
//   hybrid, embeddings  rules + GloVe semantic indicators, and those indicators alone (hybrid.ts)
import { loadCatalogue } from '../rules/compile.ts';
import { batched, createCombinedCore } from './combined.ts';
import { createKeywordScreener } from './keyword.ts';
import { createRulesScreener } from './pipeline.ts';
import { loadScorer, rulesThresholds, type ScorerModel } from './score.ts';
import type { Screener, Thresholds } from './types.ts';

export const MODES = ['combined', 'rules', 'keyword', 'transformer', 'ngram', 'hybrid', 'embeddings'] as const;
export type ScreenerMode = (typeof MODES)[number];
/** The ablation's rows, in the order reports show them. */
export const ABLATION: readonly ScreenerMode[] = ['keyword', 'rules', 'hybrid', 'ngram', 'transformer', 'combined'];

export interface ScreenerOptions {
  /** Default 'combined'. */
  mode?: ScreenerMode;
  /** Folder of rule catalogue YAML files (default: src/rules/catalogue). Tests pass a fixture folder. */
  catalogueDir?: string;
  /** Override some or all operating thresholds (the rest come from the model files). */
  thresholds?: Partial<Thresholds>;
  /** Rules scorer weights (default: models/scorer-rules.json, else the built-in defaults). */
  scorer?: ScorerModel;
  /** Rules and combined modes: screen on a worker thread (threaded.ts), as the server does. */
  thread?: boolean;
}

export function isMode(value: string): value is ScreenerMode {
  return (MODES as readonly string[]).includes(value);
}

export async function createScreener(options: ScreenerOptions = {}): Promise<Screener> {
  const mode = options.mode ?? 'combined';
  const scorer = options.scorer ?? loadScorer();
  switch (mode) {
    case 'keyword':
      return createKeywordScreener();
    case 'hybrid':
    case 'embeddings': {
      // Loaded only when asked for: other modes never start the embedding worker.
      const { createHybridScreener } = await import('./hybrid.ts');
      const { stalking, s4a } = options.thresholds ?? {};
      return createHybridScreener({ variant: mode, catalogueDir: options.catalogueDir, thresholds: stalking !== undefined && s4a !== undefined ? { stalking, s4a } : undefined, rulesScorer: options.scorer });
    }
    case 'rules':
    case 'combined':
      if (options.thread) {
        const { createThreadedScreener } = await import('./threaded.ts');
        return createThreadedScreener({ mode, catalogueDir: options.catalogueDir, scorer, thresholds: options.thresholds });
      }
      if (mode === 'rules') {
        return createRulesScreener(loadCatalogue(options.catalogueDir), scorer, rulesThresholds(scorer, options.thresholds));
      }
      return batched(await createCombinedCore({ catalogueDir: options.catalogueDir, scorer, thresholds: options.thresholds }));
    case 'transformer':
    case 'ngram':
      return batched(await createCombinedCore({ catalogueDir: options.catalogueDir, scorer, thresholds: options.thresholds, scoreWith: 'text', textModel: mode }));
  }
}
