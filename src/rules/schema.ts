// The schema every catalogue file is checked against when it is loaded (see README.md beside this file).
import { z } from 'zod';

const fourComponent = z.enum(['fixated', 'obsessive', 'unwanted', 'repeated']);

export const ruleSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.:-]+$/),
  version: z.number().int().positive(),
  code: z.string().min(1),
  category: z.enum(['behaviour', 'impact', 'risk', 'order', 'relationship', 'ought_to_know', 'digital', 'dispute']),
  label: z.string().min(1),
  reason: z.string().min(1).optional(),
  s2a: z.array(z.enum(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).optional(),
  limb: z.enum(['i', 'ii']).optional(),
  severity: z.enum(['high', 'medium']).optional(),
  four: z.array(fourComponent).default([]),
  weight: z.number().min(0).max(5).default(1),
  patterns: z.array(z.string().min(1)).min(1),
  must_match: z.array(z.string()).default([]),
  must_not_match: z.array(z.string()).default([]),
});
export type Rule = z.infer<typeof ruleSchema>;

/** A ConText cue (medspaCy's context_rules.json is the model). */
export const contextCueSchema = z.object({
  id: z.string(),
  category: z.enum([
    'NEGATED',
    'HYPOTHETICAL',
    'HISTORICAL',
    'OTHER_EXPERIENCER',
    'PROXY',
    'UNCERTAIN',
    'COUNTER_ALLEGATION',
    'TERMINATE',
    'PSEUDO',
  ]),
  /** FORWARD: modifies what follows; BACKWARD: what precedes; BIDIRECTIONAL: both. */
  direction: z.enum(['FORWARD', 'BACKWARD', 'BIDIRECTIONAL']).default('FORWARD'),
  patterns: z.array(z.string().min(1)).min(1),
  /** Words the cue reaches, within its sentence. */
  max_scope: z.number().int().positive().default(8),
  /** Categories this cue must not reach over (e.g. a "but" ends negation). Used by TERMINATE cues. */
  terminates: z.array(z.string()).optional(),
});
export type ContextCue = z.infer<typeof contextCueSchema>;

export const contextTestSchema = z.object({
  text: z.string(),
  /** The indicator code expected in the text. */
  code: z.string(),
  expect: z.record(z.string(), z.boolean()),
});

/** Course-of-conduct counting expressions. */
export const conductSchema = z.object({
  id: z.string(),
  /** `episode` marks a story of one outing ("one day", "the other day", "that evening"): it counts no occasions itself. */
  kind: z.enum(['explicit_count', 'frequency', 'persistence', 'duration', 'date', 'episode']),
  patterns: z.array(z.string().min(1)).min(1),
  /** Occasions the expression supports; 'count' takes the first number in the match. */
  occasions: z.union([z.number().int().positive(), z.literal('count')]),
  /** Upper bound on a count that may be one burst (e.g. 40 messages in one night support 2). */
  cap: z.number().int().positive().optional(),
  /**
   * The expression can describe persistence inside one outing ("he kept following me", "continuously
   * staring"): in a text framed as one episode, with nothing that counts across days, it is not a
   * second occasion.
   */
  within_one_episode: z.boolean().default(false),
  /**
   * Whether the expression, beside a pursuit behaviour, says by itself that the pursuit recurred (the
   * rules scorer's pursuit_repeated). "again" and "every day" do; "still" and "another" count towards
   * a course but are as often about something else in the sentence ("units still en route").
   */
  states_recurrence: z.boolean().default(true),
  /**
   * The expression is stalking alleged as going on ("she is being stalked", "he has been stalking me").
   * Counted (beside the allegation, not inside a story of one outing), it puts the record in the
   * default screener's queue whatever its score: the allegation itself asks for a stalking screening.
   */
  alleges_stalking: z.boolean().default(false),
  /**
   * For an `episode` frame: how many sentences after its own the outing it tells of covers ("One
   * evening a man followed me. He stared and made comments." is one outing; "he kept following me
   * till I reached the station" frames its own sentence only).
   */
  covers: z.number().int().min(0).max(2).default(2),
  reason: z.string(),
  must_match: z.array(z.object({ text: z.string(), occasions: z.number().int() })).default([]),
  must_not_match: z.array(z.string()).default([]),
});
export type ConductRule = z.infer<typeof conductSchema>;

export const classificationSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** Whether this classification already records stalking, and which section. */
  stalking: z.enum(['s2a', 's4a', 'unspecified']).optional(),
  patterns: z.array(z.string().min(1)).min(1),
  examples: z.array(z.string()).default([]),
});
export type Classification = z.infer<typeof classificationSchema>;

/**
 * Exemplar phrases for the semantic matcher (src/embeddings/semantic.ts): paraphrases of an
 * indicator code, written as the world writes them, that the rule patterns would not catch.
 */
export const exemplarSchema = z.object({
  code: z.string().min(1),
  phrases: z.array(z.string().min(1)).min(1),
});
export type Exemplar = z.infer<typeof exemplarSchema>;

export const catalogueFileSchema = z.object({
  version: z.union([z.string(), z.number()]).transform(String),
  lexicons: z.record(z.string(), z.array(z.string())).optional(),
  rules: z.array(ruleSchema).optional(),
  context: z.array(contextCueSchema).optional(),
  context_tests: z.array(contextTestSchema).optional(),
  conduct: z.array(conductSchema).optional(),
  /** Behaviour codes that never count as a second kind of behaviour (conduct.ts). */
  kinds_not_counted: z.array(z.string().regex(/^[A-Z]\d$/)).optional(),
  classifications: z.array(classificationSchema).optional(),
  rewrites: z.array(z.object({ match: z.string(), to: z.string(), not_before: z.string().optional(), only_before: z.string().optional() })).optional(),
  spellings: z.record(z.string(), z.string()).optional(),
  exemplars: z.array(exemplarSchema).optional(),
});
export type CatalogueFile = z.infer<typeof catalogueFileSchema>;
