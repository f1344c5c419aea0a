// Long records from short ones: a record joined with a few routine records of the same split (theft,
// collisions, noise: scenario "negative:*", no stalking, s4A or risk conduct), keeping its own
// labels. Real narratives run far longer than the written records (a log with many updates, a
// statement, a forum post), and a stalking account inside a long, mostly unrelated text is still
// stalking. The text model is trained with such copies (scripts/train-text-model.py --pad-share),
// the combining scorer is fitted with them (scripts/fit-combined.ts), and eval:all reports the blind
// dev split padded this way, so a screener that reads length as evidence against shows it.
import { Rng } from './generator/random.ts';
import type { LabelledRecord } from './schema.ts';

/** A routine record: scenario "negative:*", labelled no stalking, no s4A and standard risk. */
export const isRoutine = (r: LabelledRecord) => (r.scenario ?? '').startsWith('negative:') && !r.label_stalking && !r.label_s4a && (r.label_risk ?? 'standard') === 'standard';

/**
 * Every record of `records` again, joined in a shuffled order with `min`..`max` different routine
 * records of `records` other than itself; deterministic for a seed. Ids gain the suffix "-long".
 */
export function padded(records: readonly LabelledRecord[], options: { seed?: number; min?: number; max?: number } = {}): LabelledRecord[] {
  const { seed = 7, min = 3, max = 6 } = options;
  const routine = records.filter(isRoutine);
  if (routine.length < max + 1) throw new Error(`padding needs at least ${max + 1} routine records (scenario "negative:*", no stalking, no s4A, standard risk) in the set`);
  return records.map((r) => {
    const rng = Rng.derive(seed, r.id);
    const parts: LabelledRecord[] = [r];
    const pool = routine.filter((o) => o.id !== r.id);
    const n = rng.int(min, max);
    while (parts.length < n + 1) parts.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
    for (let i = parts.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [parts[i], parts[j]] = [parts[j]!, parts[i]!];
    }
    return { ...r, id: `${r.id}-long`, text: parts.map((p) => p.text).join('\n') };
  });
}
